resource registry 'Microsoft.ContainerRegistry/registries@2023-07-01' = {
  name: 'acrsharedplatform'
  location: 'eastus2'
  sku: {
    name: 'Premium'
  }
}
