/**
 * A Kademlia DHT client ({@code /ipfs/kad/1.0.0}): bootstrap, FIND_NODE, ADD_PROVIDER and GET_PROVIDERS of a
 * rendezvous key, enough for a node to find a GossipSub mesh and be found by it.
 */
package io.powerloom.sequencer.libp2p.kad;
