"""The chain: parameters, deployment, deployment records and their verification, per-network configs,
batched JSON-RPC, and populating a pool with many accounts at once.

- `params.py`: the pool's parameters as the contracts take them;
- `deploy.py`: the three contracts wired by predicted addresses, mock tokens and settable feeds;
- `deployment.py`: deployment records, idempotent re-runs, verification over JSON-RPC;
- `network.py`: validated per-network YAML (deploy/<network>.yaml);
- `rpc.py`: batched JSON-RPC without ape;
- `populate.py`: many LPs and borrowers at once over batched JSON-RPC.
"""
