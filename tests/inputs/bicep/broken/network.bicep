resource vnet 'Microsoft.Network/virtualNetworks@2023-09-01' = {
  name: 'vnet-still-checked'
  location: 'eastus2'
  properties: {
    addressSpace: { addressPrefixes: [ '10.0.0.0/16' ] }
  }
}
