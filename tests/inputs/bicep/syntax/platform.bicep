/*
  Shared platform for the orders service: network, registry, cluster.
  Written to exercise the Bicep syntax real repositories use.
*/
targetScope = 'resourceGroup'

metadata owner = 'platform-team'

import { naming } from './naming.bicep'

type tier = 'dev' | 'prod'

type clusterSettings = {
  @description('Number of system nodes.')
  @minValue(1)
  systemNodes: int
  zones: string[]?
  *: string
}

@export()
func prefixed(prefix string, name string) string => '${prefix}-${name}'

@description('Region of the platform.')
param location string = 'swedencentral'

@allowed([
  'dev'
  'prod'
])
param environment tier = 'prod'

@secure()
param sqlPassword string

param settings clusterSettings = {
  systemNodes: 3
  zones: [ '1', '2', '3' ]
}

param extraReplicas string[] = [ 'norwayeast' ]

var prefix = 'orders-${environment}'
var isProd = environment == 'prod'
var banner = '''
Orders platform ('${not interpolated}')
'''
var addressSpace = '10.${isProd ? 20 : 30}.0.0/16'
var tags = union({ service: 'orders' }, isProd ? { criticality: 'high' } : {})
var replicaRegions = concat([ 'swedensouth' ], extraReplicas)

resource logs 'Microsoft.OperationalInsights/workspaces@2023-09-01' = {
  name: 'log-${prefix}'
  location: location
}

resource vnet 'Microsoft.Network/virtualNetworks@2023-09-01' = {
  name: 'vnet-${prefix}'
  location: location
  tags: tags
  properties: {
    addressSpace: { addressPrefixes: [ addressSpace ] }
    subnets: [
      { name: 'snet-aks', properties: { addressPrefix: cidrSubnet(addressSpace, 20, 0) } }
    ]
  }

  resource aksSubnet 'subnets' existing = {
    name: 'snet-aks'
  }
}

resource registry 'Microsoft.ContainerRegistry/registries@2023-07-01' = {
  name: toLower(replace('acr${prefix}', '-', ''))
  location: location
  sku: {
    name: isProd ? 'Premium' : 'Basic'
  }
  properties: {
    zoneRedundancy: isProd ? 'Enabled' : 'Disabled'
  }

  resource replica 'replications' = [for region in replicaRegions: {
    name: region
    location: region
  }]
}

resource cluster 'Microsoft.ContainerService/managedClusters@2024-02-01' = {
  name: 'aks-${prefix}'
  location: location
  tags: tags
  sku: {
    name: 'Base'
    tier: isProd ? 'Standard' : 'Free'
  }
  properties: {
    dnsPrefix: prefixed('aks', prefix)
    agentPoolProfiles: [
      {
        name: 'system'
        mode: 'System'
        count: settings.systemNodes
        availabilityZones: settings.?zones ?? []
        vnetSubnetID: vnet::aksSubnet.id
      }
    ]
    networkProfile: {
      networkPlugin: 'azure'
      loadBalancerSku: 'standard'
    }
    addonProfiles: {
      omsagent: {
        enabled: true
        config: { logAnalyticsWorkspaceResourceID: logs.id }
      }
    }
  }
}

resource userPool 'Microsoft.ContainerService/managedClusters/agentPools@2024-02-01' = if (isProd) {
  parent: cluster
  name: 'user'
  properties: {
    mode: 'User'
    count: settings.systemNodes * 2
    availabilityZones: settings.zones
    vnetSubnetID: '${vnet.id}/subnets/snet-aks'
  }
}

output clusterName string = cluster.name
output registryId string = registry.id
output banner string = banner
