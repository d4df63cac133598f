param deploySecondary bool = false
param enableDr bool
param drRegions array

resource primary 'Microsoft.ContainerService/managedClusters@2024-02-01' = {
  name: 'aks-primary'
  location: 'eastus2'
}

resource secondary 'Microsoft.ContainerService/managedClusters@2024-02-01' = if (deploySecondary) {
  name: 'aks-secondary'
  location: 'centralus'
}

resource dr 'Microsoft.ContainerService/managedClusters@2024-02-01' = if (enableDr) {
  name: 'aks-dr'
  location: 'westus3'
}

resource drFleet 'Microsoft.ContainerService/managedClusters@2024-02-01' = [for region in drRegions: {
  name: 'aks-dr-${region}'
  location: region
}]

resource noLoop 'Microsoft.ContainerService/managedClusters@2024-02-01' = [for region in []: {
  name: 'aks-never-${region}'
  location: region
}]
