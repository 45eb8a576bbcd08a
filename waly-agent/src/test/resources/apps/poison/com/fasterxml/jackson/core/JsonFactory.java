package com.fasterxml.jackson.core;

/** The application's own "Jackson": WAL-y must never load it (its copy is relocated). */
public class JsonFactory {
    static {
        if (true) throw new IllegalStateException("the application's JsonFactory was loaded by someone else");
    }
}
