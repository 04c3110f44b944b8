/**
 * The file formats: SOPS trees and their MAC ({@code SopsFile}), encrypted values, age v1 files
 * with X25519 stanzas, Bech32 keys and OpenPGP messages. The cryptography is Bouncy Castle's.
 */
package dev.gitops4j.sops.internal;
