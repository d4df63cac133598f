param name string
param location string
param subnetId string
@allowed(['Free', 'Standard', 'Premium'])
param skuTier string = 'Standard'
param systemMinCount int = 3

resource cluster 'Microsoft.ContainerService/managedClusters@2024-05-01' = {
  name: name
  location: location
  sku: { name: 'Base', tier: skuTier }
  identity: { type: 'SystemAssigned' }
  properties: {
    dnsPrefix: name
    agentPoolProfiles: [
      {
        name: 'system'
        mode: 'System'
        vmSize: 'Standard_D4ds_v5'
        vnetSubnetID: subnetId
        availabilityZones: ['1', '2', '3']
        enableAutoScaling: true
        minCount: systemMinCount
        maxCount: 6
        count: systemMinCount
      }
      {
        name: 'user'
        mode: 'User'
        vmSize: 'Standard_D8ds_v5'
        vnetSubnetID: subnetId
        availabilityZones: ['1', '2', '3']
        enableAutoScaling: true
        minCount: 3
        maxCount: 12
        count: 3
      }
    ]
    networkProfile: {
      networkPlugin: 'azure'
      networkPolicy: 'cilium'
      loadBalancerSku: 'standard'
    }
  }
}

output id string = cluster.id
