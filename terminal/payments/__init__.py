"""Wallet payments: the acquirer port, payment codes, EMVCo QR, code and QR payments with the query/reverse
discipline, code refunds, risk checks, the offline policy.
"""
