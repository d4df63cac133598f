regions = { eus2 = { location = "eastus2" }, cus = { location = "centralus", pools = ["apps", "batch"] } }
