"""Selling: money, pricing and tax, the catalog and its files, barcodes, the sale, the till, refunds, receipts and
the payment/1 body.
"""
