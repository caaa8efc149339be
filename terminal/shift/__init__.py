"""The cashier's shift: opening float, cash moves, X/Z reports and their printed slip."""
