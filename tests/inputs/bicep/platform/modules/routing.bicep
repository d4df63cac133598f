param name string

@description('The regional ingresses to route to, in priority order')
param origins {
  region: string
  host: string
}[]

resource profile 'Microsoft.Network/trafficManagerProfiles@2022-04-01' = {
  name: name
  location: 'global'
  properties: {
    profileStatus: 'Enabled'
    trafficRoutingMethod: 'Priority'
    dnsConfig: {
      relativeName: name
      ttl: 30
    }
    monitorConfig: {
      protocol: 'HTTPS'
      port: 443
      path: '/healthz'
    }
    endpoints: [for (origin, i) in origins: {
      name: origin.region
      type: 'Microsoft.Network/trafficManagerProfiles/externalEndpoints'
      properties: {
        target: origin.host
        endpointStatus: 'Enabled'
        endpointLocation: origin.region
        priority: i + 1
      }
    }]
  }
}
