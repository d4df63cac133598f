param name string
param location string = resourceGroup().location
param replicaRegions string[]

resource acr 'Microsoft.ContainerRegistry/registries@2023-11-01-preview' = {
  name: name
  location: location
  sku: {
    name: 'Premium'
  }
  properties: {
    zoneRedundancy: 'Enabled'
  }

  resource replicas 'replications' = [for region in replicaRegions: {
    name: region
    location: region
    properties: {
      zoneRedundancy: 'Enabled'
    }
  }]
}
