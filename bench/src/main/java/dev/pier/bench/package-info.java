package dev.pier.bench;
