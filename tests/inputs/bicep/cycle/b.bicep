module a './a.bicep' = {
  name: 'a'
}

resource vnet 'Microsoft.Network/virtualNetworks@2023-09-01' = {
  name: 'vnet-in-cycle'
  location: 'westus3'
}
