targetScope = 'subscription'

param regions array = [
  'eastus2'
  'centralus'
]

resource groups 'Microsoft.Resources/resourceGroups@2023-07-01' = [for region in regions: {
  name: 'rg-shop-${region}'
  location: region
}]

module stamps 'modules/stamp.bicep' = [for (region, i) in regions: {
  name: 'stamp-${region}'
  scope: groups[i]
  params: {
    location: region
    name: 'shop-${region}'
  }
}]

module shared 'br:contosoregistry.azurecr.io/bicep/modules/registry:v2' = {
  name: 'shared-registry'
  scope: resourceGroup('rg-shared')
  params: {
    replicaRegions: regions
  }
}

module legacy './legacy/azuredeploy.json' = {
  name: 'legacy'
  scope: resourceGroup('rg-legacy')
}

module gone 'modules/does-not-exist.bicep' = {
  name: 'gone'
  scope: resourceGroup('rg-gone')
}

output firstCluster string = stamps[0].outputs.clusterName
output subnetOfSecond string = stamps[1].outputs.subnetId
