"""nn.functional families written as compositions of device tensor ops (re-exported by rtorch.nn.functional)."""
