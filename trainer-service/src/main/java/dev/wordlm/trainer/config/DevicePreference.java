package dev.wordlm.trainer.config;

/** {@code wordlm.device}: where runs train when their request leaves {@code cuda} out. */
public enum DevicePreference {
    /** A CUDA GPU when PyTorch sees one, else the CPU. */
    AUTO,
    CPU,
    CUDA
}
