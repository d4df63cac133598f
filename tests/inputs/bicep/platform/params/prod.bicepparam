using '../main.bicep'
extends './base.bicepparam'

import { defaultStamps } from '../shared.bicep'

param hubRegion = 'eastus2'
param tier = 'Premium'
param owner = readEnvironmentVariable('PLATFORM_OWNER', 'platform')
param sshPublicKey = az.getSecret('00000000-0000-0000-0000-000000000000', 'rg-secrets', 'kv-orders', 'aks-ssh')

// Production networks are in 172.x, not 10.x.
param stamps = [for stamp in defaultStamps: {
  ...stamp
  addressPrefix: replace(stamp.addressPrefix, '10.', '172.')
}]
