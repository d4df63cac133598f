// Global entry point for the shop: DNS-based failover between the regional ingresses.
param ingressIps array = [
  {
    name: 'pip-shop-ingress-eastus2'
    location: 'eastus2'
  }
]

resource ingress 'Microsoft.Network/publicIPAddresses@2023-09-01' = [for ip in ingressIps: {
  name: ip.name
  location: ip.location
  sku: {
    name: 'Standard'
  }
  properties: {
    publicIPAllocationMethod: 'Static'
    dnsSettings: {
      domainNameLabel: ip.name
    }
  }
}]

resource shop 'Microsoft.Network/trafficManagerProfiles@2022-04-01' = {
  name: 'tm-contoso-shop'
  location: 'global'
  properties: {
    profileStatus: 'Enabled'
    trafficRoutingMethod: 'Priority'
    dnsConfig: {
      relativeName: 'contoso-shop'
      ttl: 30
    }
    monitorConfig: {
      protocol: 'HTTPS'
      port: 443
      path: '/healthz'
    }
    endpoints: [for (ip, i) in ingressIps: {
      name: 'ep-${ip.location}'
      type: 'Microsoft.Network/trafficManagerProfiles/azureEndpoints'
      properties: {
        targetResourceId: ingress[i].id
        endpointStatus: 'Enabled'
        priority: i + 1
      }
    }]
  }
}
