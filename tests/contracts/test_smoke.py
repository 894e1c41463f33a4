def test_deposit__fresh_pool__mints_shares(system, alice, deposit, units):
    deposit(alice, 1000)
    assert system.lp_token.balanceOf(alice) == units(1000) * 10**6
    assert system.pool.cash() == units(1000)


def test_borrow__collateralized__sends_assets(system, alice, dave, deposit, open_position, units):
    deposit(alice, 100_000)
    open_position(dave, 10, 5_000)
    assert system.asset.balanceOf(dave) == units(5_000)
