param location string = 'eastus2
var next = 1
