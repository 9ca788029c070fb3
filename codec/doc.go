// Package codec encodes and decodes OTT Pay Web API messages.
package codec
