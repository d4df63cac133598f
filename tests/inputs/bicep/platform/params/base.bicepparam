using none

// What every environment shares; each environment file extends it.
param workload = 'orders'
param tier = 'Standard'
