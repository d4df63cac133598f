// Shared definitions of the orders platform: imported, never deployed on its own.

@export()
@description('One regional stamp of the platform.')
type stampConfig = {
  @description('Azure region of the stamp')
  region: string

  @description('Availability zones of the node pools; null: no zones')
  zones: ('1' | '2' | '3')[]?

  @description('Address space of the stamp network')
  addressPrefix: string
}

@export()
@sealed()
type clusterTier = 'Free' | 'Standard' | 'Premium'

@export()
@description('Regions and their networks, shared by every environment.')
var defaultStamps = [
  {
    region: 'eastus2'
    zones: allZones
    addressPrefix: '10.10.0.0/16'
  }
  {
    region: 'centralus'
    zones: allZones
    addressPrefix: '10.20.0.0/16'
  }
]

var allZones = [ '1', '2', '3' ]

@export()
func resourceName(kind string, workload string, region string) string => '${kind}-${workload}-${region}'

@export()
func groupName(workload string, region string) string => resourceName('rg', workload, region)
