subscription_id     = "11111111-1111-1111-1111-111111111111"
hub_subscription_id = "22222222-2222-2222-2222-222222222222"

regions = {
  eus2 = {
    location      = "eastus2"
    address_space = ["10.10.0.0/16"]
    node_pools = {
      apps = {}
      batch = {
        vm_size   = "Standard_F8s_v2"
        min_count = 0
      }
    }
  }
  cus = {
    location      = "centralus"
    address_space = ["10.20.0.0/16"]
    sku_tier      = "Free"
  }
}
