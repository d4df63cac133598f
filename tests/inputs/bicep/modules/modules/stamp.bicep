param location string
param name string
param nodeCount int = 3

module network 'network.bicep' = {
  name: 'network-${name}'
  params: {
    location: location
    name: name
  }
}

resource cluster 'Microsoft.ContainerService/managedClusters@2024-02-01' = {
  name: 'aks-${name}'
  location: location
  properties: {
    dnsPrefix: name
    agentPoolProfiles: [
      {
        name: 'system'
        mode: 'System'
        count: nodeCount
        vnetSubnetID: network.outputs.subnetId
      }
    ]
  }
}

output clusterName string = cluster.name
output subnetId string = network.outputs.subnetId
