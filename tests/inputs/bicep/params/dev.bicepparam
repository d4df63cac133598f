using './main.bicep'

var region = 'westus3'

param location = region
param loadBalancerSku = 'basic'
param dnsPrefix = 'catalog-dev-${region}'
