param location string
param nodeCount int = 3

resource cluster 'Microsoft.ContainerService/managedClusters@2024-02-01' = {
  name: 'aks-search-${location}'
  location: location
  properties: {
    agentPoolProfiles: [
      { name: 'system', mode: 'System', count: nodeCount }
    ]
  }
}
