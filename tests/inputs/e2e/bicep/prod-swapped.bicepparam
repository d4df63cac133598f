using 'main.bicep'

param env = 'prodb'
param primaryLocation = 'northeurope'
param secondaryLocation = 'westeurope'
