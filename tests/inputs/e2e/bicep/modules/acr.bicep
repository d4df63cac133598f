param name string
param location string
param replicaLocations array

resource registry 'Microsoft.ContainerRegistry/registries@2023-07-01' = {
  name: name
  location: location
  sku: { name: 'Premium' }
  properties: {
    adminUserEnabled: false
    zoneRedundancy: 'Enabled'
  }
}

resource replicas 'Microsoft.ContainerRegistry/registries/replications@2023-07-01' = [for l in replicaLocations: {
  parent: registry
  name: l
  location: l
  properties: { zoneRedundancy: 'Enabled' }
}]

output loginServer string = registry.properties.loginServer
