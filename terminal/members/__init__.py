"""Membership: members and their consents and points, member cards and phones, coupons."""
