"""The Chorus Pro (PISTE) compatible REST API: token endpoint, authentication, envelope, operations.

Layout: ``oauth`` (token endpoint), ``authentication`` + ``connections`` (who is calling),
``envelope`` + ``errors`` (answers and the one exception handler), ``views`` (the operation base
class), ``serializers`` + ``pagination`` (input/output helpers), ``schema`` (OpenAPI), and one
package per Chorus API (``transverses``, ``structures``, ``factures``, ``utilisateurs``).
"""
