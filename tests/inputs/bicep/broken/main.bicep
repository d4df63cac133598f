param location string = 'eastus2'

resource cluster 'Microsoft.ContainerService/managedClusters@2024-02-01' = {
  name: 'aks-broken'
  location: location
  properties: {
    dnsPrefix: 'broken' agentPoolProfiles: []
  }
}
