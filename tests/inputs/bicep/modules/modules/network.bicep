param location string
param name string

resource vnet 'Microsoft.Network/virtualNetworks@2023-09-01' = {
  name: 'vnet-${name}'
  location: location
  properties: {
    addressSpace: { addressPrefixes: [ '10.0.0.0/16' ] }
  }

  resource aks 'subnets' = {
    name: 'snet-aks'
    properties: { addressPrefix: '10.0.0.0/20' }
  }
}

output subnetId string = vnet::aks.id
