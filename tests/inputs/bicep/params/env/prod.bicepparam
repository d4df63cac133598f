using '../main.bicep'

param location = 'eastus2'
param clusterName = 'aks-catalog-prod'
param dnsPrefix = readEnvironmentVariable('DNS_PREFIX', 'catalog')
