"""nn.modules: the layer classes, re-exported by rtorch.nn."""
from rtorch.nn.modules.module import Module
from rtorch.nn.modules.linear import Identity, Linear
from rtorch.nn.modules.conv import Conv1d, Conv2d
from rtorch.nn.modules.pooling import AdaptiveAvgPool2d, AvgPool2d, MaxPool2d
from rtorch.nn.modules.flatten import Flatten, Unflatten
from rtorch.nn.modules.container import ModuleDict, ModuleList, Sequential
from rtorch.nn.modules.activation import (
    ELU, GELU, Hardtanh, LeakyReLU, LogSoftmax, Mish, ReLU, ReLU6, SiLU, Sigmoid, Softmax,
    Softmin, Softplus, Softsign, Tanh,
)
from rtorch.nn.modules.dropout import Dropout
from rtorch.nn.modules.sparse import Embedding
from rtorch.nn.modules.rnn import GRU, GRUCell, LSTM, LSTMCell, RNN, RNNBase, RNNCell, RNNCellBase
from rtorch.nn.modules.normalization import LayerNorm
from rtorch.nn.modules.loss import (
    BCELoss, BCEWithLogitsLoss, KLDivLoss, CrossEntropyLoss, HuberLoss, L1Loss, MSELoss, NLLLoss,
    SmoothL1Loss,
)
from rtorch.nn.modules.batchnorm import BatchNorm1d, BatchNorm2d
from rtorch.nn.modules.normalization import GroupNorm, RMSNorm
from rtorch.nn.modules.activation import MultiheadAttention
from rtorch.nn.modules.transformer import (
    Transformer, TransformerDecoder, TransformerDecoderLayer, TransformerEncoder, TransformerEncoderLayer,
)
from rtorch.nn.modules.upsampling import Upsample
from rtorch.nn.modules.linear import Bilinear
from rtorch.nn.modules.conv import ConvTranspose2d
from rtorch.nn.modules.pooling import AvgPool1d, MaxPool1d

__all__ = [
    "Module", "Identity", "Linear", "Flatten", "Unflatten", "Sequential", "ModuleList",
    "ModuleDict", "ReLU", "ReLU6", "Hardtanh", "GELU", "SiLU", "Mish", "Tanh", "Sigmoid",
    "Softmax", "Softmin", "LogSoftmax", "LeakyReLU", "ELU", "Softplus", "Softsign", "Dropout",
    "Embedding", "LayerNorm", "MSELoss", "L1Loss", "CrossEntropyLoss", "NLLLoss", "BCELoss",
    "BCEWithLogitsLoss", "KLDivLoss", "SmoothL1Loss", "HuberLoss", "Conv1d", "Conv2d", "MaxPool2d", "AvgPool2d",
    "AdaptiveAvgPool2d",
]
__all__ += ["RNNBase", "RNN", "LSTM", "GRU", "RNNCellBase", "RNNCell", "LSTMCell", "GRUCell"]
__all__ += ["BatchNorm1d", "BatchNorm2d", "GroupNorm", "RMSNorm", "MultiheadAttention", "TransformerEncoderLayer",
            "TransformerEncoder", "TransformerDecoderLayer", "TransformerDecoder", "Transformer",
            "Upsample", "Bilinear", "ConvTranspose2d", "MaxPool1d", "AvgPool1d"]
