"""Helper for test_sigkill: a real terminal process that sells as fast as it can until it is killed.

Usage: python sale_loop.py DATA_DIR [SEED]
Prints `ready`, then `sale <n> <sale_id> <total>` after each sale is committed (and `refund <sale_id> <minor>`).
"""
from __future__ import annotations

import random
import sys
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[2]))

from simulators.file_printer import FilePrinter
from terminal.app.bootstrap import build_terminal
from terminal.config.settings import ensure_config, load_config
from terminal.sales.money import Money
from tests.support.staff_members import add_staff


def main() -> None:
    data_dir = Path(sys.argv[1])
    rng = random.Random(int(sys.argv[2]) if len(sys.argv) > 2 else None)
    config_path = data_dir / "edgepos.toml"
    ensure_config(config_path)
    # receipts as text files: this test is about the database surviving SIGKILL, not about printing speed
    term = build_terminal(load_config(config_path), data_dir, printer=FilePrinter(data_dir / "receipts"))
    if term.shifts.current is None:
        term.shifts.open("crash-test", Money(10000, term.config.currency))
    till = term.till
    manager = add_staff(data_dir, f"manager-{rng.random()}")
    skus = [item.sku for item in term.catalog]
    print("ready", flush=True)
    n = 0
    while True:
        for _ in range(rng.randint(2, 6)):
            till.add_item(rng.choice(skus), rng.randint(1, 3))
        sale = till.sale
        assert sale is not None
        if rng.random() < 0.3:
            till.discount_line(0, Money(min(100, sale.lines[0].gross.minor), sale.currency), manager)
        if rng.random() < 0.3:
            till.discount_cart(Money(rng.randint(1, 99), sale.currency), manager)
        due = sale.due
        done = till.pay_cash(due + Money(rng.choice([0, 0, 37, 1000]), due.currency))
        n += 1
        print(f"sale {n} {done.sale.id} {done.sale.totals.total.minor}", flush=True)
        if rng.random() < 0.2:
            refund = till.refund(done.sale.id, {1: 1}, "crash test refund", manager)
            print(f"refund {refund.sale_id} {refund.amount.minor}", flush=True)


if __name__ == "__main__":
    main()
