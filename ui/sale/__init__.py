"""The cashier's sale screen and its cash payment panel."""
