"""Staff: who works the till (cashiers, managers), their PINs, sign-in and a manager's approval."""
