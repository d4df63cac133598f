param prefix string
param key string
param location string
param hubCidr string
param spokeCidr string

resource hub 'Microsoft.Network/virtualNetworks@2023-11-01' = {
  name: 'vnet-${prefix}-hub-${key}'
  location: location
  properties: { addressSpace: { addressPrefixes: [hubCidr] } }
}

resource spoke 'Microsoft.Network/virtualNetworks@2023-11-01' = {
  name: 'vnet-${prefix}-spoke-${key}'
  location: location
  properties: {
    addressSpace: { addressPrefixes: [spokeCidr] }
    subnets: [
      { name: 'aks', properties: { addressPrefix: cidrSubnet(spokeCidr, 18, 0) } }
    ]
  }
}

resource hubToSpoke 'Microsoft.Network/virtualNetworks/virtualNetworkPeerings@2023-11-01' = {
  parent: hub
  name: 'hub-to-spoke'
  properties: { remoteVirtualNetwork: { id: spoke.id }, allowForwardedTraffic: true }
}

resource spokeToHub 'Microsoft.Network/virtualNetworks/virtualNetworkPeerings@2023-11-01' = {
  parent: spoke
  name: 'spoke-to-hub'
  properties: { remoteVirtualNetwork: { id: hub.id } }
}

output hubId string = hub.id
output aksSubnetId string = resourceId('Microsoft.Network/virtualNetworks/subnets', spoke.name, 'aks')
