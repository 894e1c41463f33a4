"""The demo's story on the test chain: the loss exceeds the reserve, the reserve pays first, and every
LP loses the same fraction whatever share price it entered at."""

from shortfall.demo import render, run_demo


def test_demo__gap_down__reserve_first_then_lps_alike(project, chain, accounts, tmp_path):
    result = run_demo(project, chain, list(accounts)[:10], tmp_path, log=lambda m: None)
    assert all(result.checks().values()), render(result)
    assert result.reserve_after < 1 and result.covered_by_reserve > 0 and result.lp_loss > 0
    prices = [lp.entry_share_price for lp in result.lps]
    assert len(set(prices)) == 3  # three different entry prices
    assert "loss %" in render(result)
