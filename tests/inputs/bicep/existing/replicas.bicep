// Maintained by another team: replicas of the shared registry, which this file does not deploy.
param replicaRegions array = [
  'centralus'
  'westus3'
]

resource registry 'Microsoft.ContainerRegistry/registries@2023-07-01' existing = {
  name: 'acrsharedplatform'
}

resource replicas 'Microsoft.ContainerRegistry/registries/replications@2023-07-01' = [for region in replicaRegions: {
  parent: registry
  name: region
  location: region
}]
