using 'main.bicep'

param env = 'prod'
param primaryLocation = 'westeurope'
param secondaryLocation = 'northeurope'
