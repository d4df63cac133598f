metadata name = 'Orders platform'
metadata description = '''
Subscription-level entry point: one resource group and one stamp per region,
a hub for the shared registry, and global routing in front of the stamps.
'''

targetScope = 'subscription'

import { stampConfig, clusterTier, defaultStamps, groupName } from './shared.bicep'
import * as naming from './shared.bicep'

@description('Workload name used in every resource name')
@minLength(3)
param workload string = 'orders'

@description('The stamps to deploy, one per region')
param stamps stampConfig[] = defaultStamps

@allowed([
  'Free'
  'Standard'
  'Premium'
])
param tier clusterTier = 'Standard'

@description('Region of the hub; must be given per environment')
@allowed([
  'eastus2'
  'centralus'
])
param hubRegion string

@description('Team that owns the platform, for tags')
param owner string = 'platform'

@secure()
@description('Public key for the node pools\' admin user')
param sshPublicKey string

var regions = map(stamps, s => s.region)
var tags = {
  workload: workload
  owner: owner
}

resource stampGroups 'Microsoft.Resources/resourceGroups@2024-03-01' = [for stamp in stamps: {
  name: groupName(workload, stamp.region)
  location: stamp.region
  tags: tags
}]

resource hubGroup 'Microsoft.Resources/resourceGroups@2024-03-01' = {
  name: naming.groupName(workload, 'hub')
  location: hubRegion
}

@batchSize(1)
module stampDeployments 'modules/stamp.bicep' = [for (stamp, i) in stamps: {
  name: 'stamp-${stamp.region}'
  // By name, as the reference architecture does; the group is declared above.
  scope: resourceGroup(groupName(workload, stamp.region))
  params: {
    workload: workload
    zones: stamp.?zones
    addressPrefix: stamp.addressPrefix
    tier: tier
    sshPublicKey: sshPublicKey
  }
  dependsOn: [
    stampGroups
  ]
}]

module registry 'modules/registry.bicep' = {
  name: 'registry'
  scope: hubGroup
  params: {
    name: 'acr${workload}hub'
    replicaRegions: filter(regions, r => r != hubRegion)
  }
}

module routing 'modules/routing.bicep' = {
  name: 'routing'
  scope: hubGroup
  params: {
    name: naming.resourceName('tm', workload, 'global')
    origins: [for (stamp, i) in stamps: {
      region: stamp.region
      host: stampDeployments[i].outputs.ingressFqdn
    }]
  }
}

output clusterIds string[] = [for (stamp, i) in stamps: stampDeployments[i].outputs.clusterId]
