"""The payment gateway: the terminals' wallet requests answered through Alipay's and WeChat Pay's own APIs."""
