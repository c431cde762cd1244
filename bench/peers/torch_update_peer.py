"""The PyTorch peer of `prunerl bench train --peer pytorch`: the same DQN update, in PyTorch eager on the CPU.

Driven by src/bench/pytorch_peer.ts over stdin/stdout, one JSON object a line each way:
  {"cmd": "build", ...}            the network (prunerl's layer specs), optimizer, loss, target rule, and the
                                   initial weights (a binary file of float32 arrays in prunerl's layouts)
  {"cmd": "check", ...}            one update on a given batch (a binary file); writes the online weights after it
  {"cmd": "run", "seconds": s}     timed updates on random batches for s seconds -> per-update microseconds
  {"cmd": "run", "updates": n}     n untimed updates (warm-up)
  {"cmd": "quit"}
Each reply is {"ok": true, ...} or {"ok": false, "error": "..."}. The first line written, before any command, says
whether torch imported.

Layouts: prunerl keeps images channels-last (NHWC), linear weights [out, in] and conv weights [outC, kH, kW, inC].
Here images are NCHW (PyTorch's native layout, its fast path), conv weights [outC, inC, kH, kW], and the linear
layer after a flatten has its input columns reordered from (h, w, c) to (c, h, w), so both compute the same
function on the same numbers.
"""
import json
import os
import sys
import time

try:
    import torch
    import torch.nn.functional as F
except ImportError as e:  # the TypeScript side turns this into its one-line message
    print(json.dumps({'ok': False, 'error': f'python3 could not import torch ({e})'}), flush=True)
    sys.exit(3)

# --- binary files: float32/int32 arrays back to back, described by [{name, dtype, shape, offset}] -----------------

DTYPES = {'float32': torch.float32, 'int32': torch.int32}


def read_tensors(path, entries):
    with open(path, 'rb') as f:
        data = bytearray(f.read())
    out = {}
    for e in entries:
        count = 1
        for d in e['shape']:
            count *= d
        t = torch.frombuffer(data, dtype=DTYPES[e['dtype']], count=count, offset=e['offset']) if count else torch.empty(0)
        out[e['name']] = t.reshape(e['shape']).clone()
    return out


def write_tensors(path, named):
    entries, offset = [], 0
    with open(path, 'wb') as f:
        for name, t in named:
            b = t.detach().contiguous().to(torch.float32).numpy().tobytes()
            f.write(b)
            entries.append({'name': name, 'dtype': 'float32', 'shape': list(t.shape), 'offset': offset})
            offset += len(b)
    return entries


# --- the network: prunerl's layer specs as torch modules, and weights between the two layouts --------------------

class Net(torch.nn.Module):
    def __init__(self, layers, input_shape):
        super().__init__()
        self.weighted = []  # (module, kind, flatten_from (C, H, W) or None)
        mods = []
        shape = [input_shape[2], input_shape[0], input_shape[1]] if len(input_shape) == 3 else list(input_shape)
        flattened_from = None
        for spec in layers:
            kind = spec['type']
            if kind == 'conv2d':
                k, s, p = spec['kernel'], spec.get('stride', 1), spec.get('padding', 0)
                m = torch.nn.Conv2d(shape[0], spec['out'], k, stride=s, padding=p)
                shape = [spec['out'], (shape[1] + 2 * p - k) // s + 1, (shape[2] + 2 * p - k) // s + 1]
                self.weighted.append((m, 'conv2d', None))
            elif kind == 'linear':
                m = torch.nn.Linear(shape[0], spec['out'])
                self.weighted.append((m, 'linear', flattened_from))
                flattened_from = None
                shape = [spec['out']]
            elif kind == 'relu':
                m = torch.nn.ReLU()
            elif kind == 'flatten':
                m = torch.nn.Flatten()
                if len(shape) == 3:
                    flattened_from = list(shape)
                shape = [shape[0] * shape[1] * shape[2]] if len(shape) == 3 else shape
            else:
                raise ValueError(f"Expected one of conv2d, linear, relu, flatten for a layer's type but received '{kind}'")
            mods.append(m)
        self.body = torch.nn.Sequential(*mods)

    def forward(self, x):
        return self.body(x)


def to_torch(kind, flat_from, w):
    """A weight in prunerl's layout -> PyTorch's."""
    if kind == 'conv2d':
        return w.permute(0, 3, 1, 2).contiguous()  # [O, kH, kW, I] -> [O, I, kH, kW]
    if flat_from is not None:  # columns (h, w, c) -> (c, h, w)
        c, h, wd = flat_from
        return w.reshape(w.shape[0], h, wd, c).permute(0, 3, 1, 2).reshape(w.shape[0], -1).contiguous()
    return w


def to_prunerl(kind, flat_from, w):
    if kind == 'conv2d':
        return w.permute(0, 2, 3, 1).contiguous()
    if flat_from is not None:
        c, h, wd = flat_from
        return w.reshape(w.shape[0], c, h, wd).permute(0, 2, 3, 1).reshape(w.shape[0], -1).contiguous()
    return w


def load(net, tensors, prefix):
    with torch.no_grad():
        for i, (m, kind, flat_from) in enumerate(net.weighted):
            m.weight.copy_(to_torch(kind, flat_from, tensors[f'{prefix}.{i}.w']))
            m.bias.copy_(tensors[f'{prefix}.{i}.b'])


def images_nchw(obs, input_shape):
    """[B, H·W·C] channels-last -> [B, C, H, W]; vectors stay as they are."""
    if len(input_shape) != 3:
        return obs.reshape(obs.shape[0], *input_shape)
    h, w, c = input_shape
    return obs.reshape(-1, h, w, c).permute(0, 3, 1, 2).contiguous()


# --- the update -----------------------------------------------------------------------------------------------------

class Peer:
    def __init__(self, msg, files):
        torch.set_num_threads(msg['threads'])
        torch.manual_seed(msg['seed'])
        self.input_shape = msg['inputShape']
        self.actions, self.batch = msg['actions'], msg['batchSize']
        self.double, self.loss = msg['double'], msg['loss']
        self.discount = msg['gamma'] ** msg['nStep']
        tensors = read_tensors(files['path'], files['tensors'])
        self.online = Net(msg['layers'], self.input_shape)
        self.target = Net(msg['layers'], self.input_shape)
        load(self.online, tensors, 'online')
        load(self.target, tensors, 'target')
        for p in self.target.parameters():
            p.requires_grad_(False)
        # Pruned layers: the mask multiplied back into the weights after every step (PyTorch has no sparse training).
        self.masks = []
        for i, (m, kind, flat_from) in enumerate(self.online.weighted):
            mask = tensors.get(f'online.{i}.mask')
            if mask is not None:
                self.masks.append((m.weight, to_torch(kind, flat_from, mask)))
        o = msg['optimizer']
        params = self.online.parameters()
        if o['type'] == 'adam':
            self.opt = torch.optim.Adam(params, lr=o['lr'], betas=(o.get('beta1', 0.9), o.get('beta2', 0.999)), eps=o.get('eps', 1e-8))
        elif o['type'] == 'rmsprop':
            self.opt = torch.optim.RMSprop(params, lr=o['lr'], alpha=o.get('alpha', 0.99), eps=o.get('eps', 1e-8),
                                           centered=o.get('centered', False), momentum=o.get('momentum', 0))
        else:
            self.opt = torch.optim.SGD(params, lr=o['lr'])
        self.replay = self.random_replay(msg['replaySize'])

    def random_replay(self, n):
        """Random transitions of prunerl's bench shapes: 0/1 bytes with p 0.1 (MinAtar) or floats in [-2, 2)."""
        shape = [n, *self.input_shape]
        if len(self.input_shape) == 3:
            obs, next_obs = ((torch.rand(shape) < 0.1).to(torch.uint8) for _ in range(2))
        else:
            obs, next_obs = ((torch.rand(shape) * 4 - 2) for _ in range(2))
        return {'obs': obs, 'next_obs': next_obs, 'actions': torch.randint(0, self.actions, (n,)),
                'rewards': (torch.rand(n) < 0.1).float(), 'dones': (torch.rand(n) < 0.02).float()}

    def sample(self):
        r = self.replay
        i = torch.randint(0, r['actions'].shape[0], (self.batch,))
        b = self.batch
        return (images_nchw(r['obs'][i].float().reshape(b, -1), self.input_shape),
                r['actions'][i], r['rewards'][i],
                images_nchw(r['next_obs'][i].float().reshape(b, -1), self.input_shape),
                r['dones'][i], torch.full((b,), self.discount))

    def update(self, obs, actions, rewards, next_obs, dones, discounts):
        with torch.no_grad():
            q_next_target = self.target(next_obs)
            if self.double:
                greedy = self.online(next_obs).argmax(1, keepdim=True)
                next_value = q_next_target.gather(1, greedy).squeeze(1)
            else:
                next_value = q_next_target.max(1).values
            y = rewards + discounts * (1 - dones) * next_value
        q = self.online(obs).gather(1, actions.long().unsqueeze(1)).squeeze(1)
        loss = F.smooth_l1_loss(q, y, beta=1.0) if self.loss == 'huber' else F.mse_loss(q, y)
        self.opt.zero_grad(set_to_none=True)
        loss.backward()
        self.opt.step()
        with torch.no_grad():
            for w, m in self.masks:
                w.mul_(m)

    def check(self, msg):
        t = read_tensors(msg['path'], msg['tensors'])
        b = t['actions'].shape[0]
        self.update(images_nchw(t['obs'].reshape(b, -1), self.input_shape), t['actions'], t['rewards'],
                    images_nchw(t['nextObs'].reshape(b, -1), self.input_shape), t['dones'], t['discounts'])
        named = []
        for i, (m, kind, flat_from) in enumerate(self.online.weighted):
            named += [(f'online.{i}.w', to_prunerl(kind, flat_from, m.weight)), (f'online.{i}.b', m.bias)]
        return {'tensors': write_tensors(msg['out'], named)}

    def run(self, msg):
        if 'updates' in msg:
            for _ in range(msg['updates']):
                self.update(*self.sample())
            return {'updates': msg['updates']}
        micros = []
        start = now = time.perf_counter()
        end = start + msg['seconds']
        while now < end:
            self.update(*self.sample())
            after = time.perf_counter()
            micros.append((after - now) * 1e6)
            now = after
        return {'updates': len(micros), 'seconds': now - start, 'micros': micros}


def blas_library():
    """The BLAS behind torch's dense products, from the libraries mapped into this process (Linux): Debian's
    python3-torch uses whatever libblas.so.3 is installed, and the reference BLAS is many times slower than OpenBLAS."""
    torch.mm(torch.ones(8, 8), torch.ones(8, 8))  # loads it
    try:
        with open('/proc/self/maps') as f:
            libs = sorted({line.split()[-1] for line in f if '.so' in line})
    except OSError:
        return 'unknown'
    for key in ('mkl', 'openblas', 'blis'):
        found = [lib for lib in libs if key in lib.rsplit('/', 1)[-1].lower()]
        if found:
            return found[0]
    reference = [lib for lib in libs if lib.rsplit('/', 1)[-1].startswith('libblas.so')]
    return f'reference BLAS ({reference[0]})' if reference else 'linked into torch'


def main():
    print(json.dumps({'ok': True, 'torch': torch.__version__}), flush=True)
    peer = None
    for line in sys.stdin:
        msg = json.loads(line)
        try:
            if msg['cmd'] == 'quit':
                break
            if msg['cmd'] == 'build':
                peer = Peer(msg, msg['params'])
                reply = {'torch': torch.__version__, 'threads': torch.get_num_threads(),
                         'interopThreads': torch.get_num_interop_threads(), 'blas': blas_library(),
                         # libgomp spins while it waits by default; on a loaded machine that costs it dearly.
                         'ompWaitPolicy': os.environ.get('OMP_WAIT_POLICY', 'default')}
            elif peer is None:
                raise ValueError(f"Expected 'build' before '{msg['cmd']}'")
            elif msg['cmd'] == 'check':
                reply = peer.check(msg)
            elif msg['cmd'] == 'run':
                reply = peer.run(msg)
            else:
                raise ValueError(f"Expected one of build, check, run, quit for cmd but received '{msg['cmd']}'")
            print(json.dumps({'ok': True, **reply}), flush=True)
        except Exception as e:  # reported to the TypeScript side, which fails with it
            print(json.dumps({'ok': False, 'error': f'{type(e).__name__}: {e}'}), flush=True)


if __name__ == '__main__':
    main()
