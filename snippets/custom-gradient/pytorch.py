# A custom gradient with torch.autograd.Function:
# log(1 + e^x) whose backward stays finite where
# autograd's own derivative of it overflows.
import torch


class Log1pExp(torch.autograd.Function):
    @staticmethod
    def forward(ctx, x):
        e = torch.exp(x)
        ctx.save_for_backward(e)
        return torch.log(1 + e)

    @staticmethod
    def backward(ctx, upstream):
        (e,) = ctx.saved_tensors
        return upstream * (1 - 1 / (1 + e))


def naive(x):
    return torch.log(1 + torch.exp(x))


def gradient(f, values):
    x = torch.tensor(values, requires_grad=True)
    f(x).sum().backward()
    return x.grad


points = [0.0, 2.0, 100.0]
custom = gradient(Log1pExp.apply, points)
plain = gradient(naive, points)
print("custom gradient:", custom.tolist())
print("autograd's gradient:", plain.tolist())
finite = bool(torch.isfinite(custom).all())
print("custom is finite:", finite)
nan = bool(plain[2].isnan())
print("autograd's is NaN at 100:", nan)

RESULT = {"custom": custom.tolist(),
          "naive_nan_at_100": nan}
