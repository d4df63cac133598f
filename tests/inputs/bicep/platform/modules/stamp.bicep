@description('Workload name')
param workload string

@description('Region of the stamp: the resource group\'s, which the caller deploys')
param location string = resourceGroup().location

@description('Zones of every node pool; null when the region has none')
param zones string[]?

param addressPrefix string

@allowed([ 'Free', 'Standard', 'Premium' ])
param tier string

@secure()
param sshPublicKey string

@description('Optional overrides of the system pool')
param systemPool {
  count: int?
  vmSize: string?
}?

var pools = [
  {
    name: 'system'
    mode: 'System'
    count: systemPool.?count ?? 3
  }
  {
    name: 'user'
    mode: 'User'
    count: 2
  }
]

resource vnet 'Microsoft.Network/virtualNetworks@2023-11-01' = {
  name: 'vnet-${workload}-${location}'
  location: location
  properties: {
    addressSpace: {
      addressPrefixes: [ addressPrefix ]
    }
    subnets: [
      {
        name: 'snet-nodes'
        properties: { addressPrefix: cidrSubnet(addressPrefix, 20, 0) }
      }
    ]
  }
}

resource ingressIp 'Microsoft.Network/publicIPAddresses@2023-11-01' = {
  name: 'pip-${workload}-${location}'
  location: location
  sku: { name: 'Standard', tier: 'Regional' }
  zones: zones
  properties: {
    publicIPAllocationMethod: 'Static'
    dnsSettings: {
      domainNameLabel: '${workload}-${location}'
    }
  }
}

resource cluster 'Microsoft.ContainerService/managedClusters@2024-05-01' = {
  name: 'aks-${workload}-${location}'
  location: location
  sku: {
    name: 'Base'
    tier: tier
  }
  identity: {
    type: 'SystemAssigned'
  }
  properties: {
    dnsPrefix: '${workload}-${location}'
    linuxProfile: {
      adminUsername: 'azureuser'
      ssh: {
        publicKeys: [
          { keyData: sshPublicKey }
        ]
      }
    }
    agentPoolProfiles: [for pool in pools: {
      name: pool.name
      mode: pool.mode
      count: pool.count
      vmSize: 'Standard_D4ds_v5'
      availabilityZones: zones
      vnetSubnetID: vnet.properties.subnets[0].id
    }]
    networkProfile: {
      networkPlugin: 'azure'
      loadBalancerSku: 'standard'
    }
  }
}

output clusterId string = cluster.id
output ingressFqdn string = ingressIp.properties.dnsSettings.fqdn
