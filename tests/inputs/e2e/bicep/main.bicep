targetScope = 'resourceGroup'

@description('Short environment name')
param env string
param primaryLocation string
param secondaryLocation string
param skuTier string = 'Standard'

var prefix = 'shop-${env}'
var regions = [
  { key: 'primary', location: primaryLocation, hubCidr: '10.10.0.0/16', spokeCidr: '10.11.0.0/16' }
  { key: 'secondary', location: secondaryLocation, hubCidr: '10.20.0.0/16', spokeCidr: '10.21.0.0/16' }
]

module network 'modules/network.bicep' = [for r in regions: {
  name: 'network-${r.key}'
  params: {
    prefix: prefix
    key: r.key
    location: r.location
    hubCidr: r.hubCidr
    spokeCidr: r.spokeCidr
  }
}]

module aks 'modules/aks.bicep' = [for (r, i) in regions: {
  name: 'aks-${r.key}'
  params: {
    name: 'aks-${prefix}-${r.key}'
    location: r.location
    subnetId: network[i].outputs.aksSubnetId
    skuTier: skuTier
  }
}]

module acr 'modules/acr.bicep' = {
  name: 'acr'
  params: {
    name: replace('${prefix}acr', '-', '')
    location: primaryLocation
    replicaLocations: [secondaryLocation]
  }
}

resource hubPeeringPrimary 'Microsoft.Network/virtualNetworks/virtualNetworkPeerings@2023-11-01' = {
  name: 'vnet-${prefix}-hub-primary/hub-primary-to-secondary'
  properties: {
    remoteVirtualNetwork: { id: network[1].outputs.hubId }
    allowForwardedTraffic: true
    allowVirtualNetworkAccess: true
  }
  dependsOn: [network]
}

resource hubPeeringSecondary 'Microsoft.Network/virtualNetworks/virtualNetworkPeerings@2023-11-01' = {
  name: 'vnet-${prefix}-hub-secondary/hub-secondary-to-primary'
  properties: {
    remoteVirtualNetwork: { id: network[0].outputs.hubId }
    allowForwardedTraffic: true
    allowVirtualNetworkAccess: true
  }
  dependsOn: [network]
}

resource ingressIp 'Microsoft.Network/publicIPAddresses@2023-11-01' = [for r in regions: {
  name: 'pip-ingress-${r.key}'
  location: r.location
  sku: { name: 'Standard' }
  zones: ['1', '2', '3']
  properties: {
    publicIPAllocationMethod: 'Static'
    dnsSettings: { domainNameLabel: '${prefix}-${r.key}' }
  }
}]

resource afd 'Microsoft.Cdn/profiles@2024-02-01' = {
  name: 'afd-${prefix}'
  location: 'global'
  sku: { name: 'Premium_AzureFrontDoor' }
}

resource originGroup 'Microsoft.Cdn/profiles/originGroups@2024-02-01' = {
  parent: afd
  name: 'aks-ingress'
  properties: {
    loadBalancingSettings: { sampleSize: 4, successfulSamplesRequired: 3 }
    healthProbeSettings: {
      probePath: '/healthz'
      probeProtocol: 'Https'
      probeRequestType: 'HEAD'
      probeIntervalInSeconds: 30
    }
  }
}

resource origins 'Microsoft.Cdn/profiles/originGroups/origins@2024-02-01' = [for (r, i) in regions: {
  parent: originGroup
  name: 'ingress-${r.key}'
  properties: {
    hostName: ingressIp[i].properties.dnsSettings.fqdn
    originHostHeader: 'shop.example.com'
    httpPort: 80
    httpsPort: 443
    priority: 1
    weight: 500
    enabledState: 'Enabled'
  }
}]

resource postgres 'Microsoft.DBforPostgreSQL/flexibleServers@2023-12-01-preview' = {
  name: 'psql-${prefix}-orders'
  location: primaryLocation
  sku: { name: 'Standard_D4ds_v5', tier: 'GeneralPurpose' }
  properties: {
    version: '16'
    storage: { storageSizeGB: 128 }
    backup: { backupRetentionDays: 35, geoRedundantBackup: 'Enabled' }
    highAvailability: { mode: 'ZoneRedundant', standbyAvailabilityZone: '2' }
    availabilityZone: '1'
  }
}

resource assets 'Microsoft.Storage/storageAccounts@2023-05-01' = {
  name: replace('${prefix}assets', '-', '')
  location: primaryLocation
  kind: 'StorageV2'
  sku: { name: 'Standard_GZRS' }
  properties: { minimumTlsVersion: 'TLS1_2' }
}
