"""PyTorch peers for `npm run gpu-check` (bench/gpu_check.sh), on the GPU the check runs on.

- update/s of an eager PyTorch Double-DQN update of the MinAtar network (conv 16@3x3 -> fc 128, x1 and x5 wide,
  batch 32, Huber loss, Adam, masks re-applied after the step at 0 and 95% sparsity): the peer that
  `prunerl bench train --device cuda` is to be compared with;
- dense (cuBLAS, through torch.mm) vs CSR (cuSPARSE, through torch.sparse.mm) products of an 8192x8192 weight at
  batch 256, sparsity 0.90/0.95/0.99, ms per product and TFLOP/s counted on the kept weights;
- device copy bandwidth of 100M float32 (read + write), the yardstick for the thresholding GB/s.

Times come from CUDA events after warm-up. Usage: python3 bench/cuda_peers.py OUT.json
"""
import json
import sys
import time

import torch

dev = torch.device('cuda')
results = {'torch': torch.__version__, 'gpu': torch.cuda.get_device_name(0)}


def timed(fn, iterations, warmup=5):
    for _ in range(warmup):
        fn()
    torch.cuda.synchronize()
    start, end = torch.cuda.Event(enable_timing=True), torch.cuda.Event(enable_timing=True)
    start.record()
    for _ in range(iterations):
        fn()
    end.record()
    torch.cuda.synchronize()
    return start.elapsed_time(end) / iterations  # ms per call


def minatar_net(width, channels=4, actions=6):
    return torch.nn.Sequential(
        torch.nn.Conv2d(channels, 16 * width, 3), torch.nn.ReLU(), torch.nn.Flatten(),
        torch.nn.Linear(16 * width * 8 * 8, 128 * width), torch.nn.ReLU(), torch.nn.Linear(128 * width, actions)).to(dev)


def dqn_update_rate(width, sparsity, batch=32, gamma=0.99):
    torch.manual_seed(0)
    online, target = minatar_net(width), minatar_net(width)
    target.load_state_dict(online.state_dict())
    opt = torch.optim.Adam(online.parameters(), lr=1e-4, eps=3.125e-4)
    masks = []
    for p in online.parameters():
        if p.dim() > 1:
            k = int(p.numel() * sparsity)
            m = torch.ones_like(p)
            if k > 0:
                m.view(-1)[p.detach().abs().view(-1).argsort()[:k]] = 0
            masks.append((p, m))
    s = torch.rand(batch, 4, 10, 10, device=dev)
    s2 = torch.rand(batch, 4, 10, 10, device=dev)
    a = torch.randint(0, 6, (batch,), device=dev)
    r = torch.rand(batch, device=dev)
    done = (torch.rand(batch, device=dev) < 0.1).float()

    def update():
        with torch.no_grad():
            next_a = online(s2).argmax(1, keepdim=True)
            y = r + gamma * (1 - done) * target(s2).gather(1, next_a).squeeze(1)
        q = online(s).gather(1, a.unsqueeze(1)).squeeze(1)
        loss = torch.nn.functional.smooth_l1_loss(q, y)
        opt.zero_grad(set_to_none=True)
        loss.backward()
        opt.step()
        with torch.no_grad():
            for p, m in masks:
                p.mul_(m)

    ms = timed(update, 200, warmup=20)
    return {'width': width, 'sparsity': sparsity, 'batch': batch, 'ms': round(ms, 4), 'updatesPerSecond': round(1000 / ms, 1)}


def products(n=8192, batch=256):
    torch.manual_seed(1)
    x = torch.randn(n, batch, device=dev)  # W[n,n] @ X[n,batch], as prunerl's feature-major layout
    w = torch.randn(n, n, device=dev)
    dense_ms = timed(lambda: torch.mm(w, x), 50)
    rows = [{'kernel': 'torch.mm (cuBLAS) dense', 'sparsity': 0, 'ms': round(dense_ms, 4),
             'TFLOPs': round(2 * n * n * batch / dense_ms / 1e9, 2)}]
    for sparsity in (0.9, 0.95, 0.99):
        keep = torch.rand(n, n, device=dev) >= sparsity
        ws = (w * keep).to_sparse_csr()
        ms = timed(lambda: torch.sparse.mm(ws, x), 50)
        nnz = int(keep.sum())
        rows.append({'kernel': 'torch.sparse.mm (cuSPARSE CSR)', 'sparsity': sparsity, 'ms': round(ms, 4),
                     'TFLOPs': round(2 * nnz * batch / ms / 1e9, 3), 'vsDense': round(dense_ms / ms, 2)})
        del ws, keep
    return rows


def copy_bandwidth(n=100_000_000):
    src = torch.randn(n, device=dev)
    dst = torch.empty_like(src)
    ms = timed(lambda: dst.copy_(src), 20)
    return {'floats': n, 'ms': round(ms, 4), 'GBs': round(2 * 4 * n / ms / 1e6, 1)}


def attempt(key, fn):
    t = time.time()
    try:
        results[key] = fn()
    except Exception as e:  # one failing peer must not lose the others
        results[key] = {'error': f'{type(e).__name__}: {e}'}
    print(f'{key}: {json.dumps(results[key])} ({time.time() - t:.1f} s)', flush=True)


attempt('dqnUpdate', lambda: [dqn_update_rate(w, s) for w, s in ((1, 0.0), (5, 0.0), (5, 0.95))])
attempt('products8192', products)
attempt('copy100M', copy_bandwidth)
with open(sys.argv[1], 'w') as f:
    json.dump(results, f, indent=2)
