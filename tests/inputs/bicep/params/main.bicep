@description('Region of the cluster')
param location string
param clusterName string = 'aks-catalog-${location}'
param loadBalancerSku string = 'standard'
param dnsPrefix string

resource cluster 'Microsoft.ContainerService/managedClusters@2024-02-01' = {
  name: clusterName
  location: location
  properties: {
    dnsPrefix: dnsPrefix
    agentPoolProfiles: [
      { name: 'system', mode: 'System', count: 3 }
    ]
    networkProfile: {
      loadBalancerSku: loadBalancerSku
    }
  }
}
