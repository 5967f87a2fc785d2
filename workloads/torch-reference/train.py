#!/usr/bin/env python3
"""The reference GPU workload: a small MLP classifier trained on seeded synthetic data until its
eval accuracy reaches a target, on one GPU, with an MLPerf `:::MLLOG` log checked by
`specs/rules/torch-reference.run` and the NCCL version PyTorch loads printed as NCCL prints it.

The data is a fixed random "teacher" network's labels of Gaussian inputs, generated from
`--data-seed` (the same data for every run); `SEED` (set by repro per run) seeds the model's
initialisation and the shuffling, so runs differ only by their seed, as MLPerf runs do.

`--backend python` trains a logistic regression in pure Python through the same loop and
logger: it exists to test the log and the rule set on machines without PyTorch, not to
measure anything.
"""

import argparse
import os
import random
import sys

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
import mllog  # noqa: E402


def arguments(argv=None):
    p = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    p.add_argument("--backend", choices=["torch", "python"], default="torch")
    p.add_argument("--lr", type=float, default=2e-3)
    p.add_argument("--target", type=float, default=0.90)
    p.add_argument("--global-batch-size", type=int, default=1024)
    p.add_argument("--train-samples", type=int, default=262144)
    p.add_argument("--eval-samples", type=int, default=16384)
    p.add_argument("--features", type=int, default=256)
    p.add_argument("--classes", type=int, default=10)
    p.add_argument("--hidden", type=int, default=1024)
    p.add_argument("--max-epochs", type=int, default=20)
    p.add_argument("--weight-decay", type=float, default=0.01)
    p.add_argument("--data-seed", type=int, default=1234)
    p.add_argument("--seed", type=int, default=int(os.environ.get("SEED", "1")))
    return p.parse_args(argv)


def log_header(log, args, platform):
    log.point("cache_clear", True)
    log.start("init_start")
    for key, value in [
        ("submission_org", "repro"),
        ("submission_platform", platform),
        ("submission_division", "open"),
        ("submission_status", "research"),
        ("submission_benchmark", "torch_reference"),
    ]:
        log.point(key, value)
    for key, value in [
        ("seed", args.seed),
        ("global_batch_size", args.global_batch_size),
        ("train_samples", args.train_samples),
        ("eval_samples", args.eval_samples),
        ("gradient_accumulation_steps", 1),
        ("opt_name", "adamw" if args.backend == "torch" else "sgd"),
        ("opt_base_learning_rate", args.lr),
        ("opt_weight_decay", args.weight_decay),
        ("target_accuracy", args.target),
    ]:
        log.point(key, value)


def train_loop(log, args, epoch_fn, eval_fn):
    """The MLPerf run: one block per epoch, an eval after each, stop at the target."""
    log.end("init_stop")
    log.start("run_start")
    converged, epoch = False, 0
    while epoch < args.max_epochs and not converged:
        epoch += 1
        log.start("block_start", {"first_epoch_num": epoch, "epoch_count": 1})
        log.start("epoch_start", {"epoch_num": epoch})
        epoch_fn(epoch)
        log.end("epoch_stop", {"epoch_num": epoch})
        log.start("eval_start", {"epoch_num": epoch})
        accuracy = eval_fn()
        log.point("eval_accuracy", accuracy, {"epoch_num": epoch})
        log.end("eval_stop", {"epoch_num": epoch})
        log.end("block_stop", {"first_epoch_num": epoch})
        converged = accuracy >= args.target
    log.end("run_stop", {"status": "success" if converged else "aborted", "epoch_num": epoch})
    return converged


def run_torch(args, log):
    import torch

    if not torch.cuda.is_available():
        print("error: no CUDA device: this workload trains on one GPU", file=sys.stderr)
        return 4
    device = torch.device("cuda", int(os.environ.get("LOCAL_RANK", "0")))
    torch.cuda.set_device(device)
    line = mllog.nccl_line(torch.cuda.nccl.version(), torch.version.cuda)
    print(line, flush=True)
    log_header(log, args, torch.cuda.get_device_name(device))
    log.point("nccl_version", line.split(" ", 2)[2])
    log.point("torch_version", torch.__version__)

    gen = torch.Generator(device=device).manual_seed(args.data_seed)
    n = args.train_samples + args.eval_samples
    x = torch.randn(n, args.features, device=device, generator=gen)
    teacher = torch.randn(args.features, args.classes, device=device, generator=gen)
    y = (x @ teacher).argmax(dim=1)
    x_train, y_train = x[: args.train_samples], y[: args.train_samples]
    x_eval, y_eval = x[args.train_samples :], y[args.train_samples :]

    torch.manual_seed(args.seed)
    model = torch.nn.Sequential(
        torch.nn.Linear(args.features, args.hidden),
        torch.nn.GELU(),
        torch.nn.Linear(args.hidden, args.classes),
    ).to(device)
    opt = torch.optim.AdamW(model.parameters(), lr=args.lr, weight_decay=args.weight_decay)
    shuffle = torch.Generator(device=device).manual_seed(args.seed)

    def epoch_fn(_epoch):
        model.train()
        order = torch.randperm(args.train_samples, device=device, generator=shuffle)
        for start in range(0, args.train_samples, args.global_batch_size):
            batch = order[start : start + args.global_batch_size]
            with torch.autocast("cuda", dtype=torch.bfloat16):
                loss = torch.nn.functional.cross_entropy(model(x_train[batch]), y_train[batch])
            opt.zero_grad(set_to_none=True)
            loss.backward()
            opt.step()

    @torch.no_grad()
    def eval_fn():
        model.eval()
        with torch.autocast("cuda", dtype=torch.bfloat16):
            predicted = model(x_eval).argmax(dim=1)
        return float((predicted == y_eval).float().mean().item())

    return 0 if train_loop(log, args, epoch_fn, eval_fn) else 1


def run_python(args, log):
    """Binary logistic regression in pure Python on the same kind of data: a test path."""
    log_header(log, args, "python-fallback")
    log.point("nccl_version", "none (python fallback, no NCCL loaded)")
    data = random.Random(args.data_seed)
    teacher = [data.gauss(0, 1) for _ in range(args.features)]

    def sample():
        x = [data.gauss(0, 1) for _ in range(args.features)]
        return x, 1 if sum(a * b for a, b in zip(x, teacher)) > 0 else 0

    train = [sample() for _ in range(args.train_samples)]
    evals = [sample() for _ in range(args.eval_samples)]
    rng = random.Random(args.seed)
    w = [rng.gauss(0, 0.01) for _ in range(args.features)]
    order = list(range(len(train)))

    def predict(x):
        z = sum(a * b for a, b in zip(w, x))
        return 1.0 / (1.0 + pow(2.718281828459045, -max(min(z, 30.0), -30.0)))

    def epoch_fn(_epoch):
        rng.shuffle(order)
        for start in range(0, len(order), args.global_batch_size):
            batch = order[start : start + args.global_batch_size]
            grad = [0.0] * args.features
            for i in batch:
                x, y = train[i]
                err = predict(x) - y
                for j in range(args.features):
                    grad[j] += err * x[j] / len(batch)
            for j in range(args.features):
                w[j] -= args.lr * (grad[j] + args.weight_decay * w[j])

    def eval_fn():
        return sum((predict(x) > 0.5) == (y == 1) for x, y in evals) / len(evals)

    return 0 if train_loop(log, args, epoch_fn, eval_fn) else 1


def main(argv=None):
    args = arguments(argv)
    log = mllog.Logger(enabled=int(os.environ.get("RANK", "0")) == 0)
    if args.backend == "python":
        return run_python(args, log)
    return run_torch(args, log)


if __name__ == "__main__":
    sys.exit(main())
